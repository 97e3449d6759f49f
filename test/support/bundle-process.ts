import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface BundleProcess {
  /**
   * Answers one event with the bundle's handler, as a warm Lambda instance would; a failed
   * invocation answers `{ errorType, errorMessage, stackTrace }`, as Lambda reports one.
   */
  ask: (event: unknown) => Promise<unknown>;
  /** Everything the instance has written to stderr (its log) so far. */
  log: () => string;
  stop: () => void;
}

/**
 * A built bundle in a Node process of its own, as Lambda holds an instance: imported once
 * with `env` (the init, top-level await included), then fed events one at a time over
 * stdin, each answer a line on stdout. Bounded: the process is killed after `timeoutMs`.
 */
export async function startBundle(
  root: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<BundleProcess> {
  const script = `
    import { createInterface } from 'node:readline';
    const { handler } = await import(${JSON.stringify(join(root, 'dist', 'handler.js'))});
    process.stdout.write('ready\\n');
    for await (const line of createInterface({ input: process.stdin })) {
      // A failed invocation, as Lambda's runtime reports it to the caller.
      const result = await handler(JSON.parse(line)).catch((error) => ({
        errorType: error.name,
        errorMessage: error.message,
        stackTrace: String(error.stack).split('\\n'),
      }));
      process.stdout.write(JSON.stringify(result) + '\\n');
    }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  timer.unref();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`the bundle's process ended: ${stderr}`);
    return value;
  };
  const first = await nextLine();
  if (first !== 'ready') throw new Error(`unexpected first line ${first}: ${stderr}`);
  return {
    ask: async (event) => {
      child.stdin.write(`${JSON.stringify(event)}\n`);
      return JSON.parse(await nextLine());
    },
    log: () => stderr,
    stop: () => {
      clearTimeout(timer);
      child.kill('SIGKILL');
    },
  };
}
