// Every file a fresh Node process loads as a module, recorded by a module hook given to
// `node --import`: how the build's tests, the tools' import checks and the benchmark's size
// report tell what a bundle or a script really loads, rather than what it names.
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Path of `harness/answer-event.mjs`, for `modulesLoaded([ANSWER_EVENT, bundle, event])`. */
export const ANSWER_EVENT = fileURLToPath(new URL('answer-event.mjs', import.meta.url));

// After everything the program printed, so that its own output is left whole before it.
const MARK = '\n--- modules loaded: ';
const RECORDER = `
import { registerHooks } from 'node:module';
const files = [];
registerHooks({
  load(url, context, next) {
    if (url.startsWith('file:')) files.push(url);
    return next(url, context);
  },
});
process.on('exit', () => process.stdout.write(${JSON.stringify(MARK)} + JSON.stringify(files)));`;

export interface ModulesLoaded {
  /** What the program printed on stdout. */
  stdout: string;
  /** file: URLs of every module it loaded, in order. */
  files: string[];
}

/** Runs `node <args>` with the recorder; throws as execFileSync does if it exits non-zero. */
export function modulesLoaded(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ModulesLoaded {
  const recorder = `data:text/javascript,${encodeURIComponent(RECORDER)}`;
  const out = execFileSync(process.execPath, ['--import', recorder, ...args], {
    ...options,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const at = out.lastIndexOf(MARK);
  if (at < 0) throw new Error(`node ${args.join(' ')} ended before its modules were listed`);
  return { stdout: out.slice(0, at), files: JSON.parse(out.slice(at + MARK.length)) as string[] };
}

/**
 * What a fresh process loads while importing `bundle` and answering `event` (JSON text),
 * and the answer: the bundle's modules only, the answering script left out.
 */
export function bundleModulesLoaded(
  bundle: string,
  event: string,
  env: NodeJS.ProcessEnv,
): { result: unknown; files: string[] } {
  const { stdout, files } = modulesLoaded([ANSWER_EVENT, bundle, event], { env });
  const answerer = pathToFileURL(ANSWER_EVENT).href;
  return { result: JSON.parse(stdout), files: files.filter((url) => url !== answerer) };
}
