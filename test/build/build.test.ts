import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BUILT_IN_STAND_INS,
  build,
  main as buildMain,
  esbuildOptions,
  SDK_STAND_INS,
  writeBundle,
} from '../../scripts/build.ts';
import { main as showVersionMain } from '../../scripts/show-version.ts';
import { loadEvent } from '../fixtures.ts';
import { runMain } from '../support/run-main.ts';
import { exportProject, filesLoaded, freshDir, git, projectRoot, runBundle } from './workspace.ts';

const node = process.versions.node;
const noEnv = {};
const dirs: string[] = [];
const tempDir = (): string => {
  const dir = freshDir();
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('a build from an export with no .git', () => {
  let root: string;
  beforeAll(() => {
    // The export sits inside another repository: its commit must not leak into the string.
    const outer = tempDir();
    git(outer, 'init', '-q', '-b', 'outer-branch');
    git(outer, 'commit', '-q', '--allow-empty', '-m', 'outer');
    root = exportProject(outer, '1.139.0');
  });

  it('bakes the bare package version, without parentheses', async () => {
    const result = await build(noEnv, root);
    expect(result.serverVersion).toBe('1.139.0');
    expect(runBundle(root, {})).toEqual({ server_version: '1.139.0', python_version: node });
  });

  it('takes SYNAPSE_VERSION_STRING verbatim', async () => {
    const version = '1.140.0rc1 (b=release-v1.140,t=v1.140.0rc1,0a1b2c3)';
    await build({ SYNAPSE_VERSION_STRING: version }, root);
    const answer = runBundle(root, loadEvent('http-api-get')) as {
      body: string;
      headers: Record<string, string>;
    };
    expect(JSON.parse(answer.body)).toEqual({ server_version: version, python_version: node });
    expect(answer.headers.Server).toBe(`Synapse/${version}`);
  });

  it.each(['1', 'true', 'YES'])(
    'leaves python_version out when OMIT_PYTHON_VERSION=%s',
    async (value) => {
      await build({ OMIT_PYTHON_VERSION: value }, root);
      expect(runBundle(root, {})).toEqual({ server_version: '1.139.0' });
    },
  );

  it.each(['', '0', 'false', 'No'])(
    'keeps python_version with OMIT_PYTHON_VERSION=%j',
    async (value) => {
      const result = await build({ OMIT_PYTHON_VERSION: value }, root);
      expect(result.includePythonVersion).toBe(true);
    },
  );

  it.each(['on', 'off', 'y', '2'])('refuses OMIT_PYTHON_VERSION=%s, naming it', async (value) => {
    await expect(build({ OMIT_PYTHON_VERSION: value }, root)).rejects.toThrow(
      /^OMIT_PYTHON_VERSION must be 1, true or yes/,
    );
  });

  it.each(['   ', '\t', ' 1.139.0', '1.139.0 '])(
    'refuses a blank or padded SYNAPSE_VERSION_STRING: %j',
    async (value) => {
      await expect(build({ SYNAPSE_VERSION_STRING: value }, root)).rejects.toThrow(
        /^SYNAPSE_VERSION_STRING: the version string (is blank|starts or ends with white space|holds)/,
      );
    },
  );

  it('removes dist/ when a build fails, so that nothing stale can be deployed', async () => {
    await build(noEnv, root);
    expect(existsSync(join(root, 'dist/handler.js'))).toBe(true);
    await expect(build({ OMIT_PYTHON_VERSION: 'on' }, root)).rejects.toThrow();
    expect(existsSync(join(root, 'dist'))).toBe(false);
    await build(noEnv, root);
    const broken = join(root, 'handler/broken.ts');
    writeFileSync(
      join(root, 'handler/index.ts'),
      `${readFileSync(join(root, 'handler/index.ts'), 'utf8')}\nimport './broken.ts';\n`,
    );
    writeFileSync(broken, 'export const = ;\n');
    try {
      await expect(build(noEnv, root)).rejects.toThrow();
      expect(existsSync(join(root, 'dist'))).toBe(false);
      expect(existsSync(join(root, 'dist.staging'))).toBe(false);
    } finally {
      rmSync(broken);
      cpSync(join(projectRoot, 'handler/index.ts'), join(root, 'handler/index.ts'));
    }
  });

  it.each(['1.0\r\nX-Injected: yes', 'caf\u00e9', ' '.repeat(300)])(
    'refuses an override that cannot go in a header: %j',
    async (bad) => {
      await expect(build({ SYNAPSE_VERSION_STRING: bad }, root)).rejects.toThrow(
        /^SYNAPSE_VERSION_STRING: /,
      );
    },
  );

  it('writes one minified ESM entry and a module package.json; source maps outside dist/', async () => {
    const result = await build(noEnv, root);
    const files = Object.keys(result.files);
    expect(files).toEqual(expect.arrayContaining(['dist/handler.js', 'dist/package.json']));
    // Everything else is a chunk for the access-policy mode; no source map is packaged.
    const others = files.filter((f) => !/^dist\/(handler\.js|package\.json)$/.test(f));
    expect(others.every((f) => f.startsWith('dist/chunks/') && f.endsWith('.js'))).toBe(true);
    const shipped = readdirSync(join(root, 'dist'), { recursive: true, encoding: 'utf8' });
    expect(shipped.filter((f) => f.endsWith('.map'))).toEqual([]);
    const bundle = readFileSync(join(root, 'dist/handler.js'), 'utf8');
    expect(bundle).toMatch(/export\s*\{[^}]*as handler\s*\}/);
    expect(bundle.split('\n').length).toBeLessThan(5);
    expect(bundle).not.toContain('sourceMappingURL');
    const map = JSON.parse(readFileSync(join(root, 'dist-sourcemaps/handler.js.map'), 'utf8'));
    expect(map.sources).toEqual(
      expect.arrayContaining([expect.stringMatching(/handler\/index\.ts$/)]),
    );
    // Nothing reads git or package.json at run time: the values are literals.
    expect(bundle).not.toMatch(/child_process|readFileSync|package\.json/);
    // A private package, so that npm never publishes it; ESM, so that Lambda loads `.js` as such.
    expect(JSON.parse(readFileSync(join(root, 'dist/package.json'), 'utf8'))).toEqual({
      name: 'synapse-version-function',
      private: true,
      type: 'module',
    });
    // No license comment block: legalComments 'none' keeps the bytes out of the package.
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      expect(readFileSync(join(root, file), 'utf8'), file).not.toContain('/*!');
    }
  });

  it('loads nothing but dist/handler.js in open mode: no policy code, no AWS SDK', async () => {
    await build(noEnv, root);
    const bundle = readFileSync(join(root, 'dist/handler.js'), 'utf8');
    expect(bundle).not.toMatch(/^import\s|[;}]import\s*[{*\w]/);
    expect(bundle).not.toMatch(/SSMClient|@aws-sdk|@smithy/);
    const { result, files } = filesLoaded(root, loadEvent('http-api-get'));
    expect(result).toMatchObject({ statusCode: 200 });
    expect(files).toEqual([pathToFileURL(join(root, 'dist/handler.js')).href]);
  });

  it('loads the policy chunks, and the SDK in them, only when a policy is configured', async () => {
    await build(noEnv, root);
    const { result, files } = filesLoaded(root, loadEvent('http-api-get'), {
      ACCESS_POLICY_PARAMETER: '/synapse-version/access-policy',
      // Nothing listens there: the read fails at once and the answer is the fail-closed 503.
      AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:9',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example',
    });
    expect(result).toMatchObject({ statusCode: 503 });
    expect(files.some((url) => /\/dist\/chunks\/guard-[\w-]+\.js$/.test(url))).toBe(true);
  });

  it('bundles credentials from the environment only: no profile, SSO or process providers', async () => {
    const result = await build(noEnv, root);
    const chunks = Object.keys(result.files).filter((f) => f.startsWith('dist/chunks/'));
    const code = chunks.map((f) => readFileSync(join(root, f), 'utf8')).join('\n');
    expect(code).toContain('AWS_ACCESS_KEY_ID');
    expect(code).not.toMatch(/credential_process|sso_start_url/);
  });

  it("describes what it bundled in its metafile, by the shipped files' names", async () => {
    const result = await build(noEnv, root);
    expect(Object.keys(result.metafile.inputs)).toEqual(
      expect.arrayContaining(['handler/index.ts', 'handler/access/env-credentials.ts']),
    );
    const code = Object.keys(result.metafile.outputs).filter((path) => !path.endsWith('.map'));
    expect(code.sort()).toEqual(
      Object.keys(result.files)
        .filter((path) => path !== 'dist/package.json')
        .sort(),
    );
  });

  it('bundles the stand-ins in place of the AWS SDK modules and built-ins they replace', async () => {
    const { metafile } = await build(noEnv, root);
    // node_modules is linked: esbuild names the SDK's files by their real place.
    for (const [replaced, standIn] of Object.entries(SDK_STAND_INS)) {
      const input = Object.entries(metafile.inputs).find(([path]) => path.endsWith(replaced));
      expect(input?.[1].bytes, replaced).toBe(statSync(join(root, standIn)).size);
    }
    expect(Object.keys(metafile.inputs)).toEqual(
      expect.arrayContaining(Object.values(BUILT_IN_STAND_INS)),
    );
  });

  it('clears a staging folder that an interrupted build left behind', async () => {
    mkdirSync(join(root, 'dist.staging/chunks'), { recursive: true });
    writeFileSync(join(root, 'dist.staging/chunks/stale.js'), 'export {};\n');
    await build(noEnv, root);
    expect(existsSync(join(root, 'dist/chunks/stale.js'))).toBe(false);
    expect(existsSync(join(root, 'dist.staging'))).toBe(false);
  });

  it('removes the staging folder and leaves no dist/ when writing the bundle fails midway', async () => {
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    // Source maps cannot go under a file: the bundle is staged, then the move fails.
    const blocked = join(root, 'not-a-folder');
    writeFileSync(blocked, '');
    try {
      const baked = { serverVersion: '1.139.0', includePythonVersion: true };
      const writing = writeBundle(
        root,
        'handler/index.ts',
        join(root, 'dist'),
        baked,
        {},
        join(blocked, 'maps'),
      );
      await expect(writing).rejects.toMatchObject({ code: 'ENOTDIR' });
      expect(existsSync(join(root, 'dist.staging'))).toBe(false);
      expect(existsSync(join(root, 'dist'))).toBe(false);
    } finally {
      rmSync(blocked);
    }
  });

  /** `npm run build` in this process, its output captured. */
  async function buildCommand(env: NodeJS.ProcessEnv, args: string[] = []) {
    const { code, out, err } = await runMain((a, output) => buildMain(a, output, env, root), args);
    return { status: code, out, err };
  }

  it('prints the baked version and what each mode loads from `npm run build`', async () => {
    const run = await buildCommand({ OMIT_PYTHON_VERSION: 'yes' });
    expect(run.status).toBe(0);
    expect(run.err).toEqual([]);
    const handlerBytes = statSync(join(root, 'dist/handler.js')).size;
    const chunks = readdirSync(join(root, 'dist/chunks')).filter((f) => f.endsWith('.js'));
    const chunkBytes = chunks.reduce(
      (sum, f) => sum + statSync(join(root, 'dist/chunks', f)).size,
      0,
    );
    expect(run.out).toEqual([
      'baked server_version: 1.139.0 (without python_version)',
      `  dist/handler.js  ${handlerBytes} bytes: all that open mode loads`,
      `  dist/chunks/  ${chunks.length} files, ${chunkBytes} bytes: the access policy and the AWS SDK, loaded only with ACCESS_POLICY_PARAMETER`,
    ]);
    expect((await buildCommand(noEnv)).out[0]).toBe(
      'baked server_version: 1.139.0 (with python_version)',
    );
  });

  it('warns, without failing, of a version string clients would misread, naming them', async () => {
    const run = await buildCommand({ SYNAPSE_VERSION_STRING: 'v1.139.0' });
    expect(run.status).toBe(0);
    expect(run.out[0]).toBe('baked server_version: v1.139.0 (with python_version)');
    expect(run.err).toEqual([
      'warning: SYNAPSE_VERSION_STRING: it starts with "v": synapse-admin and Ketesa print "Synapse v<server_version>", so it would read "vv…"',
      'warning: SYNAPSE_VERSION_STRING: it does not begin with a dotted version such as 1.139.0: tools that parse it (a Kubernetes operator for Synapse extracts \\d+.\\d+.\\d+) would find no version',
    ]);
    expect(existsSync(join(root, 'dist/handler.js'))).toBe(true);
  });

  it('fails `npm run build` in one line naming the variable, and removes dist/', async () => {
    await build(noEnv, root);
    const run = await buildCommand({ SYNAPSE_VERSION_STRING: 'a\nb' });
    expect(run.status).toBe(1);
    expect(run.out).toEqual([]);
    expect(run.err).toEqual([
      'build failed: SYNAPSE_VERSION_STRING: the version string holds characters other than printable ASCII: "a\\nb"',
    ]);
    expect(existsSync(join(root, 'dist'))).toBe(false);
  });

  it('`npm run build` takes no arguments but --help', async () => {
    expect((await buildCommand(noEnv, ['--help'])).out[0]).toMatch(
      /^usage: npm run build\n\nBundles handler\//,
    );
    const refused = await buildCommand(noEnv, ['--omit-python-version']);
    expect(refused.status).toBe(2);
    expect(refused.err).toEqual([
      "error: Unknown option '--omit-python-version' (--help for usage)",
    ]);
  });

  it('runs `npm run build` as a script: exit 0 built, exit 1 refused, no stack', () => {
    const buildCli = (versionString: string) =>
      spawnSync(process.execPath, ['scripts/build.ts'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, SYNAPSE_VERSION_STRING: versionString },
      });
    const built = buildCli('');
    expect(built.status).toBe(0);
    expect(built.stdout).toMatch(/^baked server_version: 1\.139\.0 \(with python_version\)\n/);
    const refused = buildCli('a\nb');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^build failed: SYNAPSE_VERSION_STRING: .*printable ASCII/);
    expect(refused.stderr).not.toContain('    at ');
  });

  /** `npm run show-version` in this process, with a policy setting in the environment. */
  async function showVersion(args: string[] = []) {
    vi.stubEnv('ACCESS_POLICY_PARAMETER', 'set in the shell, ignored');
    try {
      const { code, out, err } = await runMain((a, o) => showVersionMain(a, o, root), args);
      return { status: code, stdout: out.join('\n'), stderr: err.join('\n') };
    } finally {
      vi.unstubAllEnvs();
    }
  }

  it('`npm run show-version` tells what the existing dist/ serves, without rebuilding', async () => {
    await build({ SYNAPSE_VERSION_STRING: '1.140.0 (b=release)', OMIT_PYTHON_VERSION: '1' }, root);
    const bundle = readFileSync(join(root, 'dist/handler.js'), 'utf8');
    const run = await showVersion();
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`server_version  1.140.0 (b=release)
document        without python_version (Synapse 1.94 and later)
built           ${join(root, 'dist', 'handler.js')}`);
    expect(readFileSync(join(root, 'dist/handler.js'), 'utf8')).toBe(bundle);
    await build(noEnv, root);
    expect((await showVersion()).stdout).toMatch(
      /^server_version {2}1\.139\.0\ndocument {8}with python_version \(before Synapse 1\.94\), the version of the Node that runs it\n/,
    );
  });

  it('`npm run show-version` says when nothing is built, and exits 1', async () => {
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    const run = await showVersion();
    expect(run).toEqual({
      status: 1,
      stdout: '',
      stderr: 'no dist/handler.js: nothing is built here yet (npm run build)',
    });
  });

  it('`npm run show-version` takes no arguments but --help', async () => {
    expect((await showVersion(['--help'])).stdout).toMatch(/^usage: npm run show-version\n/);
    expect((await showVersion(['dist'])).status).toBe(2);
  });
});

describe('a build from a git checkout', () => {
  let root: string;
  let commit: string;
  beforeAll(() => {
    root = exportProject(tempDir(), '1.141.0');
    git(root, 'init', '-q', '-b', 'develop');
    writeFileSync(join(root, '.gitignore'), 'node_modules\ndist\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'release');
    commit = git(root, 'rev-parse', '--short', 'HEAD');
  });

  it('names the branch and the commit', async () => {
    expect((await build(noEnv, root)).serverVersion).toBe(`1.141.0 (b=develop,${commit})`);
  });

  it('adds the exact tag when HEAD carries an annotated one, as git describe does', async () => {
    git(root, 'tag', 'lightweight');
    git(root, 'tag', '-a', '-m', 'release', 'v1.141.0');
    try {
      const expected = `1.141.0 (b=develop,t=v1.141.0,${commit})`;
      expect((await build(noEnv, root)).serverVersion).toBe(expected);
      expect(runBundle(root, {})).toMatchObject({ server_version: expected });
    } finally {
      git(root, 'tag', '-d', 'v1.141.0', 'lightweight');
    }
  });

  it('reports a detached HEAD as Synapse does, b=HEAD', async () => {
    git(root, 'checkout', '-q', '--detach');
    try {
      expect((await build(noEnv, root)).serverVersion).toBe(`1.141.0 (b=HEAD,${commit})`);
    } finally {
      git(root, 'checkout', '-q', 'develop');
    }
  });

  it('marks uncommitted changes to tracked files as dirty, and not untracked ones', async () => {
    writeFileSync(join(root, 'untracked.txt'), 'x');
    expect((await build(noEnv, root)).serverVersion).toBe(`1.141.0 (b=develop,${commit})`);
    const entry = join(root, 'handler/routes.ts');
    writeFileSync(entry, `${readFileSync(entry, 'utf8')}\n`);
    expect((await build(noEnv, root)).serverVersion).toBe(`1.141.0 (b=develop,${commit},dirty)`);
    execFileSync('git', ['checkout', '--', 'handler/routes.ts'], { cwd: root });
  });
});

describe('a build whose package version clients would misread', () => {
  it('warns naming the composed version as the source, and still builds', async () => {
    const root = exportProject(tempDir(), 'v1.139.0');
    const { code, out, err } = await runMain((a, output) => buildMain(a, output, noEnv, root), []);
    expect(code).toBe(0);
    expect(out[0]).toBe('baked server_version: v1.139.0 (with python_version)');
    expect(err).toEqual([
      'warning: the composed version: it starts with "v": synapse-admin and Ketesa print "Synapse v<server_version>", so it would read "vv…"',
      'warning: the composed version: it does not begin with a dotted version such as 1.139.0: tools that parse it (a Kubernetes operator for Synapse extracts \\d+.\\d+.\\d+) would find no version',
    ]);
  });
});

describe("esbuild's options", () => {
  const baked = { serverVersion: '1.139.0', includePythonVersion: true };

  it("target the Node of serverless.yml's Lambda runtime", () => {
    const runtime = /^\s+runtime: nodejs(\d+)\.x$/m.exec(
      readFileSync(join(projectRoot, 'serverless.yml'), 'utf8'),
    );
    expect(runtime).not.toBeNull();
    expect(esbuildOptions(projectRoot, 'handler/index.ts', 'dist', baked).target).toBe(
      `node${runtime?.[1]}`,
    );
  });

  it("take a dependency's ESM build where it has one, and its main file where it has not", async () => {
    const root = tempDir();
    const dependency = (name: string, pkg: object, files: Record<string, string>) => {
      mkdirSync(join(root, 'node_modules', name), { recursive: true });
      writeFileSync(join(root, 'node_modules', name, 'package.json'), JSON.stringify(pkg));
      for (const [file, text] of Object.entries(files)) {
        writeFileSync(join(root, 'node_modules', name, file), text);
      }
    };
    dependency(
      'both',
      { name: 'both', module: 'esm.js', main: 'cjs.js' },
      { 'esm.js': 'export const from = "esm";', 'cjs.js': 'exports.from = "cjs";' },
    );
    dependency('main-only', { name: 'main-only', main: 'lib.js' }, { 'lib.js': 'exports.x = 1;' });
    writeFileSync(
      join(root, 'entry.js'),
      'import { from } from "both"; import { x } from "main-only"; export { from, x };',
    );
    // The benchmark's references are bundled without the SDK trim, so without its plugin.
    const options = esbuildOptions(root, 'entry.js', 'out', baked, { trimSdk: false });
    expect(options.plugins).toEqual([]);
    const result = await esbuild.build({ ...options, write: false });
    expect(Object.keys(result.metafile.inputs).sort()).toEqual([
      'entry.js',
      'node_modules/both/esm.js',
      'node_modules/main-only/lib.js',
    ]);
  });
});
