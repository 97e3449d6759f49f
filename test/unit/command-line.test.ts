import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CommandLineError,
  consoleOutput,
  exitStatus,
  optionsOrExit,
  readCommandLine,
  readOptions,
  refuse,
  runScript,
  type ScriptOutput,
  wholeNumber,
} from '../../scripts/command-line.ts';

// The command-line contract every script shares, run in this process: --help is the usage
// and exit 0, a bad command line one line on stderr and exit 2.
function capture() {
  const lines = { out: [] as string[], err: [] as string[] };
  const output: ScriptOutput = {
    out: (line) => lines.out.push(line),
    err: (line) => lines.err.push(line),
  };
  return { lines, output };
}

const USAGE = 'usage: npm run example [-- --count 3]';
const OPTIONS = { count: { type: 'string', default: '3' }, dry: { type: 'boolean' } } as const;

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('readOptions', () => {
  it('returns the options given, with their defaults', () => {
    expect(readOptions(OPTIONS, USAGE, [])).toEqual({ count: '3' });
    expect(readOptions(OPTIONS, USAGE, ['--count', '7', '--dry'])).toEqual({
      count: '7',
      dry: true,
    });
  });

  it.each([
    [['--nope'], "Unknown option '--nope'"],
    [['--count'], "Option '--count <value>' argument missing"],
    [['extra'], "Unexpected argument 'extra'"],
    [['--dry=yes'], "Option '--dry' does not take an argument"],
  ])('refuses %j with parseArgs message', (args, message) => {
    expect(() => readOptions(OPTIONS, USAGE, args)).toThrow(CommandLineError);
    expect(() => readOptions(OPTIONS, USAGE, args)).toThrow(message);
  });

  it('takes positional arguments only through readCommandLine', () => {
    expect(readCommandLine(OPTIONS, USAGE, ['https://a.example', '--dry'])).toEqual({
      values: { count: '3', dry: true },
      positionals: ['https://a.example'],
    });
  });
});

describe('exitStatus', () => {
  const main = (args: string[], output: ScriptOutput) => {
    const { count } = readOptions(OPTIONS, USAGE, args);
    output.out(`count ${count}`);
    return Number(count);
  };

  it("is main's own status, with main's output", async () => {
    const { lines, output } = capture();
    expect(await exitStatus(main, ['--count', '5'], output)).toBe(5);
    expect(lines).toEqual({ out: ['count 5'], err: [] });
  });

  it.each([['--help'], ['-h']])('prints the usage alone for %s, and is 0', async (flag) => {
    const { lines, output } = capture();
    expect(await exitStatus(main, ['--count', '5', flag], output)).toBe(0);
    expect(lines).toEqual({ out: [USAGE], err: [] });
  });

  it('prints one line for a refused command line, and is 2', async () => {
    const { lines, output } = capture();
    expect(await exitStatus(main, ['--nope'], output)).toBe(2);
    expect(lines).toEqual({ out: [], err: ["error: Unknown option '--nope' (--help for usage)"] });
  });

  it("is 2 for a script's own refusal, in its words", async () => {
    const { lines, output } = capture();
    const refusing = () => refuse('give one base URL');
    expect(await exitStatus(refusing, [], output)).toBe(2);
    expect(lines.err).toEqual(['error: give one base URL (--help for usage)']);
  });

  it('lets any other failure through, unprinted', async () => {
    const { lines, output } = capture();
    const failing = async () => {
      throw new RangeError('a bug');
    };
    await expect(exitStatus(failing, [], output)).rejects.toThrow(RangeError);
    expect(lines).toEqual({ out: [], err: [] });
  });
});

describe('wholeNumber', () => {
  it.each([
    ['10', 10],
    ['11', 11],
    [' 12 ', 12],
    ['0025', 25],
  ])('takes %j as %d when the minimum is 10', (value, number) => {
    expect(wholeNumber(value, 'warm-up', 10)).toBe(number);
  });

  it.each([['9'], ['0'], ['-11'], ['1e1'], ['10.5'], ['ten'], [''], [' ']])(
    'refuses %j, stating the option, the minimum and the value',
    (value) => {
      expect(() => wholeNumber(value, 'warm-up', 10, ' seconds')).toThrow(
        new CommandLineError(
          `--warm-up must be a whole number, at least 10 seconds: ${JSON.stringify(value)}`,
        ),
      );
    },
  );

  it('refuses a missing value', () => {
    expect(() => wholeNumber(undefined, 'runs', 1)).toThrow(
      new CommandLineError('--runs must be a whole number, at least 1: undefined'),
    );
  });
});

describe('runScript', () => {
  const script = '/srv/project/scripts/example.ts';
  const url = pathToFileURL(script).href;

  it('runs main with the arguments after the script, and sets the exit status', async () => {
    const main = vi.fn((_args: string[], _output: ScriptOutput) => 3);
    const { output } = capture();
    await runScript(url, main, ['/usr/bin/node', script, '--count', '4'], output);
    expect(main).toHaveBeenCalledExactlyOnceWith(['--count', '4'], output);
    expect(process.exitCode).toBe(3);
  });

  it('sets exit status 2 for a refused command line', async () => {
    const { lines, output } = capture();
    await runScript(url, () => refuse('no'), ['/usr/bin/node', script], output);
    expect(process.exitCode).toBe(2);
    expect(lines.err).toEqual(['error: no (--help for usage)']);
  });

  it.each([[['/usr/bin/node', '/srv/project/scripts/other.ts']], [['/usr/bin/node']]])(
    'does nothing when the module is imported (argv %j)',
    async (argv) => {
      const main = vi.fn(() => 0);
      await runScript(url, main, argv);
      expect(main).not.toHaveBeenCalled();
      expect(process.exitCode).toBeUndefined();
    },
  );
});

describe('optionsOrExit', () => {
  function exits() {
    return vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
  }

  it('returns what the reader returns', () => {
    const exit = exits();
    expect(optionsOrExit(() => readOptions(OPTIONS, USAGE, ['--count', '9']))).toEqual({
      count: '9',
    });
    expect(exit).not.toHaveBeenCalled();
  });

  it('ends the process with status 2 and one line for a refusal', () => {
    const exit = exits();
    const { lines, output } = capture();
    expect(() => optionsOrExit(() => readOptions(OPTIONS, USAGE, ['--nope']), output)).toThrow(
      'exit 2',
    );
    expect(exit).toHaveBeenCalledExactlyOnceWith(2);
    expect(lines.err).toEqual(["error: Unknown option '--nope' (--help for usage)"]);
  });

  it('ends the process with status 0 and the usage for --help', () => {
    const exit = exits();
    const { lines, output } = capture();
    expect(() => optionsOrExit(() => readOptions(OPTIONS, USAGE, ['--help']), output)).toThrow(
      'exit 0',
    );
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
    expect(lines.out).toEqual([USAGE]);
  });

  it('lets any other failure through', () => {
    const exit = exits();
    expect(() =>
      optionsOrExit(() => {
        throw new TypeError('a bug');
      }),
    ).toThrow(TypeError);
    expect(exit).not.toHaveBeenCalled();
  });
});

describe('consoleOutput', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes out to stdout and err to stderr, a line each, as given', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    consoleOutput.out('baked server_version: 1.139.0');
    consoleOutput.err('error: --port needs a value');
    expect(log.mock.calls).toEqual([['baked server_version: 1.139.0']]);
    expect(error.mock.calls).toEqual([['error: --port needs a value']]);
  });
});
