// The command lines of the project's scripts: `--help` prints the usage and exits 0; an
// unknown or malformed option is one line on stderr and exit status 2, never a stack trace.
// Each script's work is a `main` function that returns its exit status, so that the tests
// can run it in their own process as well as through npm.

import { pathToFileURL } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Where a script writes its lines: the console, or a test's lists. */
export interface ScriptOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const consoleOutput: ScriptOutput = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/** A script's work: its exit status for the arguments after the script's name. */
export type ScriptMain = (args: string[], output: ScriptOutput) => number | Promise<number>;

/** A command line the script cannot run with; `exitStatus` turns it into exit status 2. */
export class CommandLineError extends Error {}

/** `--help` was given; `exitStatus` prints the usage, its message, and exits 0. */
class HelpRequested extends Error {}

/** Stops the script with one line on stderr, naming what is wrong. */
export function refuse(message: string): never {
  throw new CommandLineError(message);
}

export function readOptions<T extends Options>(options: T, usage: string, args: string[]) {
  return readCommandLine(options, usage, args, false).values;
}

/** As readOptions, with positional arguments allowed and returned. */
export function readCommandLine<T extends Options>(
  options: T,
  usage: string,
  args: string[],
  allowPositionals = true,
) {
  let parsed: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true }>>;
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    return refuse((error as Error).message);
  }
  if ((parsed.values as Record<string, unknown>).help) throw new HelpRequested(usage);
  return parsed;
}

/** A whole number option at least `minimum`, or a refusal that states the minimum. */
export function wholeNumber(
  value: string | undefined,
  name: string,
  minimum: number,
  why = '',
): number {
  const number = Number(value);
  if (value === undefined || !/^\d+$/.test(value.trim()) || number < minimum) {
    refuse(`--${name} must be a whole number, at least ${minimum}${why}: ${JSON.stringify(value)}`);
  }
  return number;
}

/** The exit status of a help request or a refusal, printed; undefined for any other error. */
function reported(error: unknown, output: ScriptOutput): number | undefined {
  if (error instanceof HelpRequested) {
    output.out(error.message);
    return 0;
  }
  if (error instanceof CommandLineError) {
    output.err(`error: ${error.message} (--help for usage)`);
    return 2;
  }
  return undefined;
}

/** Runs `main`, turning --help and refusals into their output and exit status. */
export async function exitStatus(
  main: ScriptMain,
  args: string[],
  output: ScriptOutput = consoleOutput,
): Promise<number> {
  try {
    return await main(args, output);
  } catch (error) {
    const status = reported(error, output);
    if (status === undefined) throw error;
    return status;
  }
}

/**
 * Runs `main` with the command line when `moduleUrl` is the script Node was started with,
 * and sets the process's exit status; does nothing when the module is imported.
 */
export async function runScript(
  moduleUrl: string,
  main: ScriptMain,
  argv: string[] = process.argv,
  output: ScriptOutput = consoleOutput,
): Promise<void> {
  if (moduleUrl !== pathToFileURL(argv[1] ?? '').href) return;
  process.exitCode = await exitStatus(main, argv.slice(2), output);
}

/**
 * For a script that reads its options before anything else (npm run bench): the options,
 * or the process ends as `exitStatus` would have it.
 */
export function optionsOrExit<T>(read: () => T, output: ScriptOutput = consoleOutput): T {
  try {
    return read();
  } catch (error) {
    const status = reported(error, output);
    if (status === undefined) throw error;
    return process.exit(status);
  }
}
