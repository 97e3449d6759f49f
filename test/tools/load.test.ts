import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CommandLineError, exitStatus } from '../../scripts/command-line.ts';
import {
  drive,
  loadFailures,
  loadSettings,
  main,
  type Outcome,
  openProbes,
  outcomeTable,
  type Probe,
  policyProbes,
  runLoad,
  treeRss,
} from '../../scripts/load.ts';
import { projectCopy } from '../support/project-copy.ts';

// `npm run load`, in this process: its options, its verdict, its table, its memory
// measure, and a short real run against `npm start`.
const MB = 2 ** 20;
const clean: Outcome = {
  mode: 'open',
  requests: 12_345,
  perSecond: 823.4,
  p50: 1,
  p99: 7,
  errors: 0,
  timeouts: 0,
  unexpected: {},
  rssBefore: 100 * MB,
  rssAfter: 110 * MB,
};

describe('loadSettings', () => {
  it('defaults to 15 s, 16 connections, a 10 s warm-up and 64 MB of growth', () => {
    expect(loadSettings([])).toEqual({
      duration: 15,
      connections: 16,
      warmUp: 10,
      maxGrowthMb: 64,
    });
  });

  it('takes each option', () => {
    expect(
      loadSettings([
        '--duration',
        '2',
        '--connections',
        '3',
        '--warm-up',
        '11',
        '--max-growth-mb',
        '5',
      ]),
    ).toEqual({ duration: 2, connections: 3, warmUp: 11, maxGrowthMb: 5 });
  });

  it.each([
    [['--duration', '0'], '--duration must be a whole number, at least 1: "0"'],
    [['--connections', 'many'], '--connections must be a whole number, at least 1: "many"'],
    [['--max-growth-mb', '0'], '--max-growth-mb must be a whole number, at least 1: "0"'],
    [
      ['--warm-up', '9'],
      '--warm-up must be a whole number, at least 10 seconds (the local server starts a function instance per connection meanwhile): "9"',
    ],
  ])('refuses %j', (args, message) => {
    expect(() => loadSettings(args)).toThrow(new CommandLineError(message));
  });

  it('refuses before starting anything, and prints its usage for --help', async () => {
    const lines: string[] = [];
    const output = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    expect(await exitStatus(main, ['--warm-up', '1'], output)).toBe(2);
    expect(await exitStatus(main, ['--help'], output)).toBe(0);
    expect(lines[1]).toMatch(/^usage: npm run load \[-- --duration 15 --connections 16/);
  });
});

describe('the probes', () => {
  const table = (probes: Probe[]) =>
    probes.map(
      ({ label, request, expect: status }) =>
        `${label}: ${request.method} ${request.path} ${JSON.stringify(request.headers ?? {})} -> ${status}`,
    );

  it("ask open mode for Synapse's whole answer table", () => {
    expect(table(openProbes())).toEqual([
      'GET version: GET /_synapse/admin/v1/server_version {} -> 200',
      'HEAD version: HEAD /_synapse/admin/v1/server_version {} -> 200',
      'OPTIONS: OPTIONS /_synapse/admin/v1/server_version {} -> 204',
      'POST version: POST /_synapse/admin/v1/server_version {} -> 405',
      'trailing slash: GET /_synapse/admin/v1/server_version/ {} -> 404',
      'GET /health: GET /health {} -> 200',
    ]);
  });

  it('ask a locked function with the listed token, none, and another', () => {
    expect(table(policyProbes('t0k'))).toEqual([
      'listed token: GET /_synapse/admin/v1/server_version {"authorization":"Bearer t0k"} -> 200',
      'no token: GET /_synapse/admin/v1/server_version {} -> 401',
      'unlisted token: GET /_synapse/admin/v1/server_version {"authorization":"Bearer t0k-not"} -> 401',
      'OPTIONS: OPTIONS /_synapse/admin/v1/server_version {} -> 204',
      'GET /health: GET /health {} -> 200',
    ]);
  });
});

describe('loadFailures', () => {
  it('passes a run without errors, surprises or growth past the bound', () => {
    expect(loadFailures([clean, { ...clean, rssAfter: 164 * MB }], 64)).toEqual([]);
  });

  it('names each way a run fails, by mode', () => {
    const outcomes: Outcome[] = [
      { ...clean, errors: 2 },
      { ...clean, mode: 'access policy', timeouts: 1 },
      { ...clean, unexpected: { 'GET version: 502': 3, 'OPTIONS: 200': 1 } },
      { ...clean, requests: 0 },
      { ...clean, rssAfter: 164 * MB + 1 },
    ];
    expect(loadFailures(outcomes, 64)).toEqual([
      'open: 2 errors, 0 timeouts',
      'access policy: 0 errors, 1 timeouts',
      'open: unexpected status, GET version: 502 x3',
      'open: unexpected status, OPTIONS: 200 x1',
      'open: no requests completed',
      'open: memory grew 64.0 MB (bound 64 MB)',
    ]);
  });
});

describe('outcomeTable', () => {
  it('is a Markdown table, a row per mode', () => {
    const outcome = { ...clean, unexpected: { 'OPTIONS: 200': 2, 'GET /health: 500': 1 } };
    expect(outcomeTable([outcome])).toEqual([
      '| mode | requests | per second | p50 | p99 | errors | timeouts | unexpected statuses | server RSS before → after |',
      '|---|---|---|---|---|---|---|---|---|',
      '| open | 12345 | 823 | 1 ms | 7 ms | 0 | 0 | 3 | 100.0 → 110.0 MB |',
    ]);
  });
});

describe('treeRss', () => {
  it('counts the memory of a process and of its descendants', async () => {
    const before = treeRss(process.pid);
    expect(before).toBeGreaterThanOrEqual(process.memoryUsage.rss() * 0.5);
    // A grandchild holding 96 MB, through a shell, so that two levels are walked.
    const child = spawn(
      'sh',
      [
        '-c',
        `exec ${JSON.stringify(process.execPath)} -e "globalThis.b = Buffer.alloc(96 * 2 ** 20, 1); console.log('ready'); setInterval(() => {}, 1000)" & wait`,
      ],
      // A group of its own, so that the shell and the grandchild end together.
      { stdio: ['ignore', 'pipe', 'ignore'], detached: true },
    );
    const group = child.pid as number;
    try {
      await once(child.stdout, 'data');
      expect(treeRss(group)).toBeGreaterThan(96 * MB);
      expect(treeRss(process.pid) - before).toBeGreaterThan(90 * MB);
    } finally {
      process.kill(-group, 'SIGKILL');
    }
    // Nothing of the group is left running (the kernel reaps it within moments).
    const alive = () => {
      try {
        process.kill(-group, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let waited = 0; alive() && waited < 2_000; waited += 50) await sleep(50);
    expect(alive()).toBe(false);
  });

  it('is 0 for a process that does not exist', () => {
    expect(treeRss(2 ** 22 + 1)).toBe(0);
  });
});

const commandOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

/** The serverless-offline processes among `root`'s descendants (Linux /proc). */
function serversUnder(root: number): number[] {
  const found: number[] = [];
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended while we looked
    }
  }
  for (const [pid] of parents) {
    let ancestor = parents.get(pid);
    while (ancestor !== undefined && ancestor !== root) ancestor = parents.get(ancestor);
    if (ancestor === root && commandOf(pid).includes('offline')) found.push(pid);
  }
  return found;
}

describe('a short run against npm start', () => {
  const settings = { duration: 1, connections: 2, warmUp: 1, maxGrowthMb: 64, root: projectCopy() };

  it('passes both modes, printing the table', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const status = await runLoad(settings, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    expect(err).toEqual([]);
    expect(status).toBe(0);
    expect(out[0]).toBe('load: 1 s per mode, 2 connections, loopback only');
    const rows = out.filter((line) => /^\| (open|access policy) \|/.test(line));
    expect(rows.map((row) => row.split(' | ')[0])).toEqual(['| open', '| access policy']);
    for (const row of rows) {
      const [, requests, , , , errors, timeouts, unexpected] = row.split(' | ');
      expect(Number(requests)).toBeGreaterThan(0);
      expect([errors, timeouts, unexpected]).toEqual(['0', '0', '0']);
    }
    expect(out.at(-1)).toBe(
      '\nload passed: no errors, no unexpected statuses, growth within 64 MB',
    );
  }, 120_000);

  it('counts each response whose status differs from its probe, and stops its server', async () => {
    const wrong = openProbes()
      .filter((probe) => probe.label === 'GET version')
      .map((probe) => ({ ...probe, expect: 404 }));
    const before = serversUnder(process.pid);
    const outcome = await drive('open', {}, wrong, settings);
    expect(serversUnder(process.pid)).toEqual(before);
    expect(Object.keys(outcome.unexpected)).toEqual(['GET version: 200']);
    // The warm-up's answers are checked too: more surprises than measured requests.
    expect(outcome.unexpected['GET version: 200']).toBeGreaterThan(outcome.requests);
    expect(outcome.requests).toBeGreaterThan(0);
    expect(outcome.rssBefore).toBeGreaterThan(10 * MB);
    expect(outcome.p99).toBeGreaterThanOrEqual(outcome.p50);
  }, 120_000);
});
