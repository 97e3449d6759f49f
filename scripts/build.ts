// The one owner of esbuild's options. `npm run build` runs it; the tests and the benchmark
// import `build` so that they measure exactly what ships.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { type BakedValues, bakedDefines } from './baked-defines.ts';
import { checkVersionString, composeVersionString } from './version-string.ts';

export const projectRoot = dirname(dirname(fileURLToPath(import.meta.url)));

export interface BuildResult extends BakedValues {
  /** Bytes of each file written, keyed by its path relative to the project. */
  files: Record<string, number>;
  metafile: esbuild.Metafile;
}

const truthy = (value: string | undefined): boolean =>
  value !== undefined && /^(1|true|yes)$/i.test(value.trim());

/** Reads the build-time settings from the environment; throws with the variable's name. */
export function bakedValuesFrom(env: NodeJS.ProcessEnv, root: string): BakedValues {
  const override = env.SYNAPSE_VERSION_STRING;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json has no "version"');
  const serverVersion =
    override !== undefined && override !== '' ? override : composeVersionString(pkg.version, root);
  const problem = checkVersionString(serverVersion);
  if (problem) {
    const source = override ? 'SYNAPSE_VERSION_STRING' : 'the composed version';
    throw new Error(`${source}: ${problem}: ${JSON.stringify(serverVersion)}`);
  }
  return { serverVersion, includePythonVersion: !truthy(env.OMIT_PYTHON_VERSION) };
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
): esbuild.BuildOptions & { metafile: true } {
  return {
    absWorkingDir: root,
    entryPoints: { handler: entry },
    outdir,
    entryNames: '[name]',
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
    sourcemap: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    define: bakedDefines(baked),
  };
}

/** Bundles `entry` into `outdir` (emptied first) as a Lambda-loadable ES module package. */
export async function writeBundle(
  root: string,
  entry: string,
  outdir: string,
  baked: BakedValues,
): Promise<Pick<BuildResult, 'files' | 'metafile'>> {
  rmSync(outdir, { recursive: true, force: true });
  const result = await esbuild.build(esbuildOptions(root, entry, outdir, baked));
  // Lambda reads `.js` as ESM only under a package.json saying so, and the deployed
  // package holds dist/ alone.
  const manifest = join(outdir, 'package.json');
  writeFileSync(
    manifest,
    `${JSON.stringify({ name: 'synapse-version-function', private: true, type: 'module' })}\n`,
  );
  const files: Record<string, number> = {};
  for (const path of [...Object.keys(result.metafile.outputs), relative(root, manifest)]) {
    files[path] = statSync(join(root, path)).size;
  }
  return { files, metafile: result.metafile };
}

export async function build(
  env: NodeJS.ProcessEnv = process.env,
  root: string = projectRoot,
): Promise<BuildResult> {
  const baked = bakedValuesFrom(env, root);
  const outdir = join(root, 'dist');
  const { files, metafile } = await writeBundle(root, 'handler/index.ts', outdir, baked);
  return { ...baked, files, metafile };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const result = await build();
    const shape = result.includePythonVersion ? 'with python_version' : 'without python_version';
    console.log(`baked server_version: ${result.serverVersion} (${shape})`);
    const code = Object.entries(result.files).filter(([path]) => path.endsWith('.js'));
    const chunks = code.filter(([path]) => path.startsWith('dist/chunks/'));
    console.log(
      `  dist/handler.js  ${result.files['dist/handler.js']} bytes: all that open mode loads`,
    );
    const chunkBytes = chunks.reduce((sum, [, bytes]) => sum + bytes, 0);
    console.log(
      `  dist/chunks/  ${chunks.length} files, ${chunkBytes} bytes: the access policy and the AWS SDK, loaded only with ACCESS_POLICY_PARAMETER`,
    );
  } catch (error) {
    console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
