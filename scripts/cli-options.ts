// The command-line options of the project's scripts: `--help` prints the usage and exits
// 0; an unknown or malformed option is one line on stderr and exit status 2, never a
// stack trace.
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Stops the script with one line on stderr, naming what is wrong. */
export function refuse(message: string): never {
  console.error(`error: ${message} (--help for usage)`);
  process.exit(2);
}

export function readOptions<T extends Options>(
  options: T,
  usage: string,
  args: string[] = process.argv.slice(2),
) {
  return readCommandLine(options, usage, args, false).values;
}

/** As readOptions, with positional arguments allowed and returned. */
export function readCommandLine<T extends Options>(
  options: T,
  usage: string,
  args: string[] = process.argv.slice(2),
  allowPositionals = true,
) {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
    if ((values as Record<string, unknown>).help) {
      console.log(usage);
      process.exit(0);
    }
    return {
      values: values as ReturnType<typeof parseArgs<{ options: T }>>['values'],
      positionals,
    };
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error));
  }
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
