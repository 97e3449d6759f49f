import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StrykerCli } from '@stryker-mutator/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { projectRoot } from '../../harness/project-root.ts';
import {
  committedIncrementalFile,
  localIncrementalFile,
  MUTATION_SCOPES,
  main,
  seedIncrementalFile,
} from '../../scripts/mutation-incremental.ts';
import { runMain } from '../support/run-main.ts';

// Where `npm run mutate` keeps its incremental results, without running Stryker: the copy is
// made in this process, in a folder of its own, and Stryker's own command-line parser and
// config reader say which file each npm script's run would read and write.

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'synapse-version-mutation-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string, modifiedSeconds: number): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  utimesSync(join(root, path), modifiedSeconds, modifiedSeconds);
}
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('seedIncrementalFile', () => {
  it.each(MUTATION_SCOPES)('copies the committed %s results when there is no copy', (scope) => {
    write(committedIncrementalFile(scope), '{"committed":true}', 1_000);
    expect(seedIncrementalFile(root, scope)).toBe('seeded');
    expect(read(localIncrementalFile(scope))).toBe('{"committed":true}');
  });

  it('copies them over a copy older than the committed file, as after a pull', () => {
    write(committedIncrementalFile('handler'), '{"pulled":true}', 2_000);
    write(localIncrementalFile('handler'), '{"earlier":true}', 1_000);
    expect(seedIncrementalFile(root, 'handler')).toBe('seeded');
    expect(read(localIncrementalFile('handler'))).toBe('{"pulled":true}');
  });

  it.each([
    ['newer', 3_000],
    ['as old as', 2_000],
  ])('keeps a copy %s the committed file: a later local run wrote it', (_, copyAt) => {
    write(committedIncrementalFile('scripts'), '{"committed":true}', 2_000);
    write(localIncrementalFile('scripts'), '{"local":true}', copyAt);
    expect(seedIncrementalFile(root, 'scripts')).toBe('kept');
    expect(read(localIncrementalFile('scripts'))).toBe('{"local":true}');
  });

  it('makes nothing when nothing is committed: Stryker then runs every mutant', () => {
    expect(seedIncrementalFile(root, 'handler')).toBe('no-committed-file');
    expect(existsSync(join(root, 'reports'))).toBe(false);
  });

  it('leaves the committed file as it was', () => {
    write(committedIncrementalFile('handler'), '{"committed":true}', 1_000);
    seedIncrementalFile(root, 'handler');
    expect(read(committedIncrementalFile('handler'))).toBe('{"committed":true}');
    expect(statSync(join(root, committedIncrementalFile('handler'))).mtimeMs).toBe(1_000_000);
  });
});

describe('node scripts/mutation-incremental.ts', () => {
  it('says in one line what it did', async () => {
    write(committedIncrementalFile('handler'), '{}', 1_000);
    const seeded = await runMain((args, output) => main(args, output, root), ['handler']);
    expect(seeded).toEqual({
      code: 0,
      out: [
        'reports/mutation/handler.incremental.json: copied from test/mutation/handler.incremental.json, the committed results',
      ],
      err: [],
    });
    // docs/testing.md shows this line as the command's output.
    const page = readFileSync(join(projectRoot, 'docs/testing.md'), 'utf8');
    expect(page).toContain(`$ node scripts/mutation-incremental.ts handler\n${seeded.out[0]}\n`);
    const kept = await runMain((args, output) => main(args, output, root), ['handler']);
    expect(kept.out).toEqual([
      'reports/mutation/handler.incremental.json: kept, newer than test/mutation/handler.incremental.json',
    ]);
    const none = await runMain((args, output) => main(args, output, root), ['scripts']);
    expect(none.out).toEqual([
      'test/mutation/scripts.incremental.json: missing; Stryker runs every mutant',
    ]);
  });

  it.each([[[]], [['bench']], [['handler', 'scripts']]])(
    'refuses %j in one line, exit 2, touching nothing',
    async (args) => {
      write(committedIncrementalFile('handler'), '{}', 1_000);
      const run = await runMain((a, output) => main(a, output, root), args);
      expect(run).toEqual({
        code: 2,
        out: [],
        err: [
          `error: give one scope, handler or scripts: ${JSON.stringify(args.join(' '))} (--help for usage)`,
        ],
      });
      expect(existsSync(join(root, 'reports'))).toBe(false);
    },
  );

  it('prints its usage for --help, and is 0', async () => {
    const help = await runMain((args, output) => main(args, output, root), ['--help']);
    expect(help.code).toBe(0);
    expect(help.out[0]).toMatch(
      /^usage: node scripts\/mutation-incremental\.ts handler\|scripts\n/,
    );
    expect(existsSync(join(root, 'reports'))).toBe(false);
  });

  it('runs as a command, with exit status 2 and no stack for a bad scope', () => {
    const run = spawnSync(
      process.execPath,
      [join(projectRoot, 'scripts/mutation-incremental.ts'), 'bench'],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      'error: give one scope, handler or scripts: "bench" (--help for usage)',
    ]);
  });
});

// What Stryker itself makes of an npm script: its command-line parser (StrykerCli, with the
// run replaced by a recorder) and its config reader, which merges the configuration file's
// options under the command line's.
const { ConfigReader } = (await import(
  pathToFileURL(
    join(projectRoot, 'node_modules/@stryker-mutator/core/dist/src/config/config-reader.js'),
  ).href
)) as {
  ConfigReader: new (
    log: object,
    validator: { validate(options: object): void },
  ) => {
    readConfig(cli: object): Promise<{
      incremental?: boolean;
      incrementalFile?: string;
      mutate?: string[];
      thresholds?: { break?: number };
    }>;
  };
};
const quiet = { debug() {}, info() {}, warn() {}, fatal() {}, isDebugEnabled: () => false };

async function strykerRuns(script: string) {
  const scripts = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).scripts;
  const command: string = scripts[script];
  const runs = [];
  for (const step of command.split('&&').map((part) => part.trim())) {
    // `NAME=value stryker …`: the shell's assignments, in Stryker's environment as it reads.
    const words = step.split(/\s+/);
    const assignments = words.filter(
      (word, i) => /^[A-Z_]+=/.test(word) && i < words.indexOf('stryker'),
    );
    const [program, ...args] = words.slice(assignments.length);
    if (program !== 'stryker') continue;
    let cliOptions: object | undefined;
    new StrykerCli(['node', 'stryker', ...args], undefined, async (options) => {
      cliOptions = options;
      return [];
    }).run();
    expect(cliOptions, step).toBeDefined();
    vi.stubEnv('MUTATION_SCOPE', undefined);
    for (const assignment of assignments) {
      const [name = '', value] = assignment.split('=');
      vi.stubEnv(name, value);
    }
    try {
      runs.push(await new ConfigReader(quiet, { validate() {} }).readConfig(cliOptions ?? {}));
    } finally {
      vi.unstubAllEnvs();
    }
  }
  return { command, runs };
}

describe('the npm scripts, as Stryker reads them', () => {
  it.each(MUTATION_SCOPES)(
    'npm run mutate:%s readies the untracked copy, then works on it incrementally',
    async (scope) => {
      const { command, runs } = await strykerRuns(`mutate:${scope}`);
      expect(command.startsWith(`node scripts/mutation-incremental.ts ${scope} && `)).toBe(true);
      expect(runs).toHaveLength(1);
      expect(runs[0]?.incremental).toBe(true);
      expect(runs[0]?.incrementalFile).toBe(localIncrementalFile(scope));
      // The one configuration, read for this scope: its own files and floor.
      expect(runs[0]?.mutate?.[0]).toBe(`${scope}/**/*.ts`);
      expect(runs[0]?.thresholds?.break).toBe(scope === 'handler' ? 95 : 90);
    },
  );

  it('npm run mutate:refresh works on the committed files, each with its own configuration', async () => {
    const { runs } = await strykerRuns('mutate:refresh');
    expect(runs.map((run) => [run.incremental, run.incrementalFile])).toEqual(
      MUTATION_SCOPES.map((scope) => [true, committedIncrementalFile(scope)]),
    );
    // Otherwise the very runs of npm run mutate: the same files mutated, the same tests.
    for (const [index, scope] of MUTATION_SCOPES.entries()) {
      const { runs: local } = await strykerRuns(`mutate:${scope}`);
      expect({ ...runs[index], incrementalFile: '' }).toEqual({
        ...local[0],
        incrementalFile: '',
      });
    }
  });

  it('npm run mutate is both halves, in turn', async () => {
    const scripts = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).scripts;
    expect(scripts.mutate).toBe('npm run mutate:handler && npm run mutate:scripts');
  });

  it("keeps the copies out of git by the project's .gitignore, and not the committed files", () => {
    // Asked of a repository of its own holding only the .gitignore, so that the answer is the
    // rules' alone, wherever this test runs (Stryker's sandbox is itself a git-ignored folder).
    writeFileSync(join(root, '.gitignore'), readFileSync(join(projectRoot, '.gitignore')));
    const git = (...args: string[]) =>
      spawnSync('git', args, { cwd: root, encoding: 'utf8', timeout: 10_000 });
    expect(git('init', '-q').status).toBe(0);
    for (const scope of MUTATION_SCOPES) {
      expect(git('check-ignore', '-q', localIncrementalFile(scope)).status).toBe(0);
      expect(git('check-ignore', '-q', committedIncrementalFile(scope)).status).toBe(1);
    }
  });
});
