// `npm start [-- <serverless offline options>]`: builds dist/, then serves it through
// serverless-offline as a child, every option passed through. What it adds is failing in one
// line: a port that is not a port, or one already in use, is said so and the command exits
// (serverless-offline would dump its HTTP server's internals and hang, or print the route
// banner and then a stack), and SIGINT or SIGTERM stops the emulator and frees the port.
// package.json runs it as `exec node scripts/start.ts`: npm passes SIGINT and SIGTERM to
// the `sh -c` it starts, which without `exec` would die of SIGTERM, or wait out SIGINT,
// without passing either on.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { projectRoot } from './project-root.ts';

/** The option a port problem is about, and what is wrong, or undefined when all are ports. */
export function portProblem(args: string[]): string | undefined {
  for (let index = 0; index < args.length; index += 1) {
    const match = /^--(\w*[pP]ort)(?:=(.*))?$/.exec(args[index] ?? '');
    if (!match) continue;
    const [, name, inline] = match;
    const value = inline ?? args[index + 1];
    if (inline === undefined) index += 1;
    // 0 turns off the servers but the HTTP one (lambdaPort: 0 in serverless.yml).
    const lowest = name === 'httpPort' ? 1 : 0;
    if (value === undefined || value.startsWith('--')) return `--${name} needs a port number`;
    const number = Number(value);
    if (!/^\d{1,5}$/.test(value) || number < lowest || number > 65_535) {
      return `--${name} must be a port number from ${lowest} to 65535: ${JSON.stringify(value)}`;
    }
  }
  return undefined;
}

/** The value of `--name <value>` or `--name=<value>`, the last one given. */
function optionValue(args: string[], name: string): string | undefined {
  let found: string | undefined;
  args.forEach((arg, index) => {
    if (arg === `--${name}`) found = args[index + 1];
    else if (arg.startsWith(`--${name}=`)) found = arg.slice(name.length + 3);
  });
  return found;
}

/** Where the emulator will listen: the options, else serverless.yml's `serverless-offline`. */
export function listenAddress(args: string[], root = projectRoot): { host: string; port: number } {
  const yml = parse(readFileSync(join(root, 'serverless.yml'), 'utf8')) as {
    custom?: { 'serverless-offline'?: { host?: string; httpPort?: number } };
  };
  const configured = yml.custom?.['serverless-offline'] ?? {};
  return {
    host: optionValue(args, 'host') ?? configured.host ?? 'localhost',
    port: Number(optionValue(args, 'httpPort') ?? configured.httpPort ?? 3000),
  };
}

const inUse = (host: string, port: number): string =>
  `error: port ${port} on ${host} is in use: stop what listens there, or give another with npm start -- --httpPort <port>`;

/** Whether something already listens on host:port (other bind faults are left to the emulator). */
function portTaken(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
}

/** Exit status of a process ended by `signal`, as a shell reports it. */
const signalled = (signal: NodeJS.Signals): number => 128 + (constants.signals[signal] ?? 15);

async function main(args: string[]): Promise<number> {
  const problem = portProblem(args);
  if (problem) {
    console.error(`error: ${problem}`);
    return 2;
  }
  const { host, port } = listenAddress(args);
  // `--help` serves nothing: serverless offline prints its options whatever listens.
  const serves = !args.some((arg) => arg === '--help' || arg === '-h');
  if (serves && (await portTaken(host, port))) {
    console.error(inUse(host, port));
    return 1;
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

  const run = (command: string, commandArgs: string[], onOutput?: (child: ChildProcess) => void) =>
    new Promise<number>((resolve) => {
      child = spawn(command, commandArgs, {
        cwd: projectRoot,
        stdio: onOutput ? ['inherit', 'pipe', 'pipe'] : 'inherit',
      });
      onOutput?.(child);
      child.once('exit', (code, signal) => resolve(code ?? signalled(signal ?? 'SIGTERM')));
    });

  const built = await run(process.execPath, [join(projectRoot, 'scripts/build.ts')]);
  if (stopping) return signalled(stopping);
  if (built !== 0) return built;

  // Until serverless-offline says it is ready its output is held, so that a failure to
  // listen is one line rather than the route banner followed by a stack.
  let ready = false;
  let heldText = '';
  const held: [NodeJS.WriteStream, Buffer][] = [];
  const hold = (from: NodeJS.ReadableStream, to: NodeJS.WriteStream) =>
    from.on('data', (chunk: Buffer) => {
      if (ready) {
        to.write(chunk);
        return;
      }
      held.push([to, chunk]);
      heldText += chunk.toString();
      if (heldText.includes('Server ready:')) {
        ready = true;
        for (const [stream, text] of held.splice(0)) stream.write(text);
      }
    });
  const serverless = join(projectRoot, 'node_modules/serverless/bin/serverless.js');
  const code = await run(process.execPath, [serverless, 'offline', 'start', ...args], (c) => {
    if (c.stdout) hold(c.stdout, process.stdout);
    if (c.stderr) hold(c.stderr, process.stderr);
  });
  if (stopping) return signalled(stopping);
  if (!ready) {
    const taken = /EADDRINUSE: address already in use (\S+):(\d+)/.exec(heldText);
    if (taken) {
      console.error(inUse(taken[1] ?? host, Number(taken[2])));
      return 1;
    }
    for (const [stream, text] of held) stream.write(text);
  }
  return code;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
