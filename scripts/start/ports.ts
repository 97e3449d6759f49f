// What `npm start` decides about its ports before anything is built: a port option that is
// not a port (exit 2), and the emulator's HTTP port already in use (exit 1), each one line.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../harness/project-root.ts';

/** The option a port problem is about, and what is wrong, or undefined when all are ports. */
export function portProblem(args: string[]): string | undefined {
  for (const [index, arg] of args.entries()) {
    const match = /^--(\w*[pP]ort)(?:=(.*))?$/.exec(arg);
    if (!match) continue;
    const [, name, inline] = match;
    // A value after the option is looked at again as an argument: a port is no option, and
    // an option in its place is refused below.
    const value = inline ?? args[index + 1];
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

/** The line for a port something else listens on. */
export const portInUse = (host: string, port: number): string =>
  `error: port ${port} on ${host} is in use: stop what listens there, or give another with npm start -- --httpPort <port>`;

/** Whether something already listens on host:port (other bind faults are left to the emulator). */
export function portTaken(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
}

/** Why `npm start <args>` must not start, as its one line and exit status; undefined if it may. */
export async function startRefusal(
  args: string[],
  root = projectRoot,
): Promise<{ line: string; status: number } | undefined> {
  const problem = portProblem(args);
  if (problem) return { line: `error: ${problem}`, status: 2 };
  // `--help` serves nothing: serverless offline prints its options whatever listens.
  if (args.some((arg) => arg === '--help' || arg === '-h')) return undefined;
  const { host, port } = listenAddress(args, root);
  if (await portTaken(host, port)) return { line: portInUse(host, port), status: 1 };
  return undefined;
}
