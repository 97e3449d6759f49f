// The one owner of esbuild's options. `npm run build` runs it; the tests and the benchmark
// import `build` so that they measure exactly what ships.
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import { projectRoot } from '../harness/project-root.ts';
import { type BakedValues, bakedDefines } from './build-defines.ts';
import { readOptions, runScript, type ScriptOutput } from './command-line.ts';
import {
  checkVersionString,
  composeVersionString,
  versionStringWarnings,
} from './version-string.ts';

export interface BuildResult extends BakedValues {
  /** Bytes of each file written, keyed by its path relative to the project. */
  files: Record<string, number>;
  metafile: esbuild.Metafile;
}

/** OMIT_PYTHON_VERSION's documented values; anything else is refused, not guessed. */
export function omitPythonVersion(value: string | undefined): boolean {
  const text = (value ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes'].includes(text)) return true;
  if (['', '0', 'false', 'no'].includes(text)) return false;
  throw new Error(
    `OMIT_PYTHON_VERSION must be 1, true or yes (leave python_version out) or 0, false, no or empty (keep it): ${JSON.stringify(value)}`,
  );
}

/** Reads the build-time settings from the environment; throws with the variable's name. */
export function bakedValuesFrom(env: NodeJS.ProcessEnv, root: string): BakedValues {
  const override = env.SYNAPSE_VERSION_STRING;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json has no "version"');
  // Empty is unset, as in a shell's `VAR= npm run build`; anything else is taken verbatim.
  const overridden = override !== undefined && override !== '';
  const serverVersion = overridden ? override : composeVersionString(pkg.version, root);
  const problem = checkVersionString(serverVersion);
  if (problem) {
    const source = overridden ? 'SYNAPSE_VERSION_STRING' : 'the composed version';
    throw new Error(`${source}: ${problem}: ${JSON.stringify(serverVersion)}`);
  }
  return { serverVersion, includePythonVersion: !omitPythonVersion(env.OMIT_PYTHON_VERSION) };
}

/**
 * The product's stand-ins for whole AWS SDK modules, by the file each replaces (from the
 * project root). Each stand-in's comment says why Lambda never needs what it replaces and
 * what would break if the SDK changed underneath it.
 */
export const SDK_STAND_INS: Readonly<Record<string, string>> = {
  'node_modules/@aws-sdk/client-ssm/dist-es/index.js': 'handler/access/ssm-client-entry.ts',
  'node_modules/@aws-sdk/client-ssm/dist-es/schemas/schemas_0.js':
    'handler/access/ssm-get-parameter-schemas.ts',
  'node_modules/@smithy/core/dist-es/submodules/config/shared-ini-file-loader/loadSharedConfigFiles.js':
    'handler/access/no-shared-config-files.ts',
  'node_modules/@smithy/core/dist-es/submodules/serde/util-stream/stream-type-check.js':
    'handler/access/stream-type-check.ts',
};

/**
 * Built-ins the SDK's modules import, by the stand-in each of those imports gets instead:
 * the same names through process.getBuiltinModule, which does not read every export as an
 * ESM import of a built-in does (handler/access/built-ins/ says why for each).
 */
export const BUILT_IN_STAND_INS: Readonly<Record<string, string>> = {
  'node:fs': 'handler/access/built-ins/fs.ts',
  'node:os': 'handler/access/built-ins/os.ts',
  'node:process': 'handler/access/built-ins/process.ts',
  'node:zlib': 'handler/access/built-ins/zlib.ts',
};

/**
 * Loads each stand-in in place of the SDK file it replaces. A replaced file that is gone
 * fails the build: the SDK has changed, and the stand-in must be looked at again.
 */
export function sdkStandIns(root: string): esbuild.Plugin {
  return {
    name: 'sdk-stand-ins',
    setup(build) {
      for (const [replaced, standIn] of Object.entries(SDK_STAND_INS)) {
        const path = join(root, replaced);
        if (!existsSync(path)) {
          throw new Error(`${replaced}, which a stand-in replaces, is gone`);
        }
        // esbuild loads a file by its real path: node_modules may be a link (as in a copy
        // of the project that shares another's).
        const filter = new RegExp(
          `^${realpathSync(path).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`,
        );
        build.onLoad({ filter }, () => ({
          contents: readFileSync(join(root, standIn)),
          loader: 'ts',
          resolveDir: dirname(join(root, standIn)),
        }));
      }
      const builtIns = Object.keys(BUILT_IN_STAND_INS).map((name) => name.slice('node:'.length));
      // Only the SDK's imports: the product's own code imports the built-ins it means to.
      const builtInFilter = new RegExp(`^node:(${builtIns.join('|')})$`);
      build.onResolve({ filter: builtInFilter }, ({ path, importer }) => {
        const standIn = BUILT_IN_STAND_INS[path];
        return standIn && importer.includes('/node_modules/')
          ? { path: join(root, standIn) }
          : undefined;
      });
    },
  };
}

/**
 * Every esbuild option the project uses. `build` applies it to the handler; the benchmark
 * applies it to its reference handlers, so that all of them are bundled alike.
 */
export function esbuildOptions(
  root: string,
  entry: string,
  outdir: string,
  baked: BakedValues,
  { trimSdk = true }: BundleOptions = {},
): esbuild.BuildOptions & { metafile: true } {
  return {
    absWorkingDir: root,
    entryPoints: { handler: entry },
    // esbuild's own entry names (`handler` writes handler.js) and log level (warnings and
    // errors) are the project's: left to it.
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    // Chunks let a mode that needs more code load it on demand, leaving the open-mode
    // cold start alone.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    // The AWS SDK's ESM build: its CommonJS one needs a require shim and imports slower.
    mainFields: ['module', 'main'],
    minify: true,
    // Written beside the bundle without a sourceMappingURL, then moved out of dist/ by
    // writeBundle: nothing enables them at run time, so they stay out of the package.
    sourcemap: 'external',
    legalComments: 'none',
    metafile: true,
    define: bakedDefines(baked),
    // The product's trim of the AWS SDK: credentials from the environment only, as Lambda
    // provides them (handler/access/env-credentials.ts says why).
    alias: trimSdk
      ? { '@aws-sdk/credential-provider-node': './handler/access/env-credentials.ts' }
      : {},
    // The rest of the trim: whole SDK modules replaced by smaller stand-ins (SDK_STAND_INS).
    plugins: trimSdk ? [sdkStandIns(root)] : [],
  };
}

export interface BundleOptions {
  /** Apply the product's AWS SDK trim; the benchmark's references are bundled without it. */
  trimSdk?: boolean;
}

/**
 * Bundles `entry` into `outdir` as a Lambda-loadable ES module package. The bundle is
 * written to a staging folder and put in place only once complete; source maps go to
 * `mapsdir`, outside the package. On any failure `outdir` is removed, so that nothing
 * stale is left to deploy.
 */
export async function writeBundle(
  root: string,
  entry: string,
  outdir: string,
  baked: BakedValues,
  bundleOptions: BundleOptions = {},
  mapsdir: string = `${outdir}-sourcemaps`,
): Promise<Pick<BuildResult, 'files' | 'metafile'>> {
  const staging = `${outdir}.staging`;
  // esbuild names its outputs by their path from `root`, under the staging folder.
  const inside = (output: string) => relative(relative(root, staging), output);
  const shippedAs = (output: string) => relative(root, join(outdir, inside(output)));
  rmSync(staging, { recursive: true, force: true });
  try {
    const result = await esbuild.build(esbuildOptions(root, entry, staging, baked, bundleOptions));
    // Lambda reads `.js` as ESM only under a package.json saying so, and the deployed
    // package holds dist/ alone.
    writeFileSync(
      join(staging, 'package.json'),
      `${JSON.stringify({ name: 'synapse-version-function', private: true, type: 'module' })}\n`,
    );
    const outputs = Object.keys(result.metafile.outputs);
    rmSync(mapsdir, { recursive: true, force: true });
    for (const map of outputs.filter((p) => p.endsWith('.map'))) {
      mkdirSync(dirname(join(mapsdir, inside(map))), { recursive: true });
      renameSync(join(root, map), join(mapsdir, inside(map)));
    }
    rmSync(outdir, { recursive: true, force: true });
    renameSync(staging, outdir);
    const files: Record<string, number> = {};
    for (const output of [
      ...outputs.filter((p) => !p.endsWith('.map')),
      relative(root, join(staging, 'package.json')),
    ]) {
      files[shippedAs(output)] = statSync(join(root, shippedAs(output))).size;
    }
    const shipped = Object.entries(result.metafile.outputs).map(
      ([path, output]) => [shippedAs(path), output] as const,
    );
    return { files, metafile: { ...result.metafile, outputs: Object.fromEntries(shipped) } };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
}

export async function build(
  env: NodeJS.ProcessEnv = process.env,
  root: string = projectRoot,
): Promise<BuildResult> {
  const outdir = join(root, 'dist');
  let baked: BakedValues;
  try {
    baked = bakedValuesFrom(env, root);
  } catch (error) {
    // A refused setting must not leave the last bundle behind for a deploy to ship.
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
  const { files, metafile } = await writeBundle(root, 'handler/index.ts', outdir, baked);
  return { ...baked, files, metafile };
}

const USAGE = `usage: npm run build

Bundles handler/ into dist/ with the version baked in: SYNAPSE_VERSION_STRING replaces the
version composed from package.json and git; OMIT_PYTHON_VERSION=1 leaves python_version out.
Source maps go to dist-sourcemaps/, outside the package.`;

/** `npm run build`: builds, then prints what was baked and what each mode loads. */
export async function main(
  args: string[],
  output: ScriptOutput,
  env: NodeJS.ProcessEnv = process.env,
  root: string = projectRoot,
): Promise<number> {
  readOptions({}, USAGE, args);
  let result: BuildResult;
  try {
    result = await build(env, root);
  } catch (error) {
    output.err(`build failed: ${(error as Error).message}`);
    return 1;
  }
  const shape = result.includePythonVersion ? 'with python_version' : 'without python_version';
  output.out(`baked server_version: ${result.serverVersion} (${shape})`);
  const source = env.SYNAPSE_VERSION_STRING ? 'SYNAPSE_VERSION_STRING' : 'the composed version';
  for (const warning of versionStringWarnings(result.serverVersion)) {
    output.err(`warning: ${source}: ${warning}`);
  }
  const chunks = Object.entries(result.files).filter(
    // Only the chunks' code is in dist/chunks/: their source maps are moved out.
    ([path]) => path.startsWith('dist/chunks/'),
  );
  output.out(
    `  dist/handler.js  ${result.files['dist/handler.js']} bytes: all that open mode loads`,
  );
  const chunkBytes = chunks.reduce((sum, [, bytes]) => sum + bytes, 0);
  output.out(
    `  dist/chunks/  ${chunks.length} files, ${chunkBytes} bytes: the access policy and the AWS SDK, loaded only with ACCESS_POLICY_PARAMETER`,
  );
  return 0;
}

await runScript(import.meta.url, main);
