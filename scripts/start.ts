// `npm start [-- <serverless offline options>]`: builds dist/, then serves it through
// serverless-offline as a child, every option passed through. What it adds is failing in one
// line: a port that is not a port, or one already in use, is said so and the command exits
// (serverless-offline would dump its HTTP server's internals and hang, or print the route
// banner and then a stack), and SIGINT or SIGTERM stops the emulator and frees the port.
// package.json runs it as `exec node scripts/start.ts`: npm passes SIGINT and SIGTERM to
// the `sh -c` it starts, which without `exec` would die of SIGTERM, or wait out SIGINT,
// without passing either on.
// This file is only the supervisor, which signals and a child process show only as a
// process (test/tools/start-command.test.ts); what can be decided in-process is in start/.
import { type ChildProcess, spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../harness/project-root.ts';
import { HeldOutput, signalled, startSteps } from './start/emulator.ts';
import { startRefusal } from './start/ports.ts';

async function main(args: string[]): Promise<number> {
  const refusal = await startRefusal(args);
  if (refusal) {
    console.error(refusal.line);
    return refusal.status;
  }

  let child: ChildProcess | undefined;
  let stopping: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = signal;
    child?.kill(signal);
    // serverless-offline halts in well under a second; one that does not is ended.
    setTimeout(() => child?.kill('SIGKILL'), 5_000).unref();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
  // An npm ended without a signal to pass on (SIGKILL, a closed terminal) leaves this
  // process to another parent: it stops as if it had had SIGTERM.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop('SIGTERM'), 200).unref();

  const run = (nodeArgs: string[], output?: HeldOutput) =>
    new Promise<number>((resolve) => {
      child = spawn(process.execPath, nodeArgs, {
        cwd: projectRoot,
        stdio: output ? ['inherit', 'pipe', 'pipe'] : 'inherit',
      });
      child.stdout?.on('data', (chunk: Buffer) => output?.take(process.stdout, chunk));
      child.stderr?.on('data', (chunk: Buffer) => output?.take(process.stderr, chunk));
      child.once('exit', (code, signal) => resolve(code ?? signalled(signal ?? 'SIGTERM')));
    });

  const steps = startSteps(args);
  const built = await run(steps.build);
  if (stopping) return signalled(stopping);
  if (built !== 0) return built;

  const output = new HeldOutput();
  const code = await run(steps.serve, output);
  if (stopping) return signalled(stopping);
  const busy = output.exited();
  if (busy) {
    console.error(busy);
    return 1;
  }
  return code;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
