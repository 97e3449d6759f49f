// `npm run load [-- --duration 15 --connections 16]`: drives the `npm start` server on
// loopback with autocannon for a fixed time, in open mode and with an access policy read
// from a loopback SSM endpoint. Every response's status is checked against the request
// that caused it. Fails on any error, any unexpected status, or memory growth past a bound.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { startLocalServer } from '../harness/local-server.ts';
import { ssmEnvironment, startSsmEndpoint } from '../harness/ssm-endpoint.ts';
import { readOptions, runScript, type ScriptOutput, wholeNumber } from './command-line.ts';
import { VERSION_PATH } from './synapse-reference.ts';

const MIN_WARM_UP_SECONDS = 10;
const USAGE = `usage: npm run load [-- --duration 15 --connections 16 --warm-up 10 --max-growth-mb 64]

Drives npm start on loopback with autocannon, open and with an access policy; fails on any
error, any unexpected status, or memory growth past the bound.`;

export interface LoadSettings {
  duration: number;
  connections: number;
  maxGrowthMb: number;
  warmUp: number;
  /** The project `npm start` builds and serves: this one unless given (a test's copy). */
  root?: string;
}

export function loadSettings(args: string[]): LoadSettings {
  const options = readOptions(
    {
      duration: { type: 'string', default: '15' },
      connections: { type: 'string', default: '16' },
      'max-growth-mb': { type: 'string', default: '64' },
      'warm-up': { type: 'string', default: '10' },
    },
    USAGE,
    args,
  );
  return {
    duration: wholeNumber(options.duration, 'duration', 1),
    connections: wholeNumber(options.connections, 'connections', 1),
    maxGrowthMb: wholeNumber(options['max-growth-mb'], 'max-growth-mb', 1),
    // serverless-offline starts one function instance per concurrent connection during the
    // warm-up; with less than this, their start-ups and heap growth land in the measurement.
    warmUp: wholeNumber(
      options['warm-up'],
      'warm-up',
      MIN_WARM_UP_SECONDS,
      ' seconds (the local server starts a function instance per connection meanwhile)',
    ),
  };
}

export interface Probe {
  label: string;
  request: autocannon.Request;
  expect: number;
}

/** Resident memory of a process and all its descendants, in bytes (Linux /proc). */
export function treeRss(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // gone
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

export interface Outcome {
  mode: string;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  /**
   * Responses whose status differs from what their request should get, by probe and
   * status, the warm-up's included: a wrong answer is wrong whenever it comes.
   */
  unexpected: Record<string, number>;
  rssBefore: number;
  rssAfter: number;
}

/** Drives `npm start` with `env` for a warm-up and then the measured duration. */
export async function drive(
  mode: string,
  env: NodeJS.ProcessEnv,
  probes: Probe[],
  settings: LoadSettings,
): Promise<Outcome> {
  const server = await startLocalServer(env, settings.root);
  try {
    const unexpected: Record<string, number> = {};
    const requests = probes.map((probe) => ({
      ...probe.request,
      onResponse: (status: number) => {
        if (status !== probe.expect) {
          const key = `${probe.label}: ${status}`;
          unexpected[key] = (unexpected[key] ?? 0) + 1;
        }
      },
    }));
    const run = (duration: number) =>
      autocannon({
        url: server.baseUrl,
        connections: settings.connections,
        duration,
        requests,
      });
    // Warm-up: JIT, the policy's first read, and the emulator's heap growing to its working
    // size; growth is measured after it, where a leak would show and sizing would not.
    await run(settings.warmUp);
    const rssBefore = treeRss(server.pid);
    const result = await run(settings.duration);
    const rssAfter = treeRss(server.pid);
    return {
      mode,
      requests: result.requests.total,
      perSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors,
      timeouts: result.timeouts,
      unexpected,
      rssBefore,
      rssAfter,
    };
  } finally {
    await server.stop();
  }
}

/** What open mode is asked, and the status each must get. */
export function openProbes(): Probe[] {
  return [
    { label: 'GET version', request: { method: 'GET', path: VERSION_PATH }, expect: 200 },
    { label: 'HEAD version', request: { method: 'HEAD', path: VERSION_PATH }, expect: 200 },
    { label: 'OPTIONS', request: { method: 'OPTIONS', path: VERSION_PATH }, expect: 204 },
    { label: 'POST version', request: { method: 'POST', path: VERSION_PATH }, expect: 405 },
    { label: 'trailing slash', request: { method: 'GET', path: `${VERSION_PATH}/` }, expect: 404 },
    { label: 'GET /health', request: { method: 'GET', path: '/health' }, expect: 200 },
  ];
}

/** What a function with a policy admitting `token` is asked, and the status each must get. */
export function policyProbes(token: string): Probe[] {
  const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
  return [
    {
      label: 'listed token',
      request: { method: 'GET', path: VERSION_PATH, headers: bearer(token) },
      expect: 200,
    },
    { label: 'no token', request: { method: 'GET', path: VERSION_PATH }, expect: 401 },
    {
      label: 'unlisted token',
      request: { method: 'GET', path: VERSION_PATH, headers: bearer(`${token}-not`) },
      expect: 401,
    },
    { label: 'OPTIONS', request: { method: 'OPTIONS', path: VERSION_PATH }, expect: 204 },
    { label: 'GET /health', request: { method: 'GET', path: '/health' }, expect: 200 },
  ];
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const total = (counts: Record<string, number>) =>
  Object.values(counts).reduce((sum, count) => sum + count, 0);

/** The Markdown table of the outcomes. */
export function outcomeTable(outcomes: Outcome[]): string[] {
  return [
    '| mode | requests | per second | p50 | p99 | errors | timeouts | unexpected statuses | server RSS before → after |',
    '|---|---|---|---|---|---|---|---|---|',
    ...outcomes.map(
      (o) =>
        `| ${o.mode} | ${o.requests} | ${Math.round(o.perSecond)} | ${o.p50} ms | ${o.p99} ms | ${o.errors} | ${o.timeouts} | ${total(o.unexpected)} | ${mb(o.rssBefore)} → ${mb(o.rssAfter)} MB |`,
    ),
  ];
}

/** What makes the run fail: errors, timeouts, unexpected statuses, no requests, growth. */
export function loadFailures(outcomes: Outcome[], maxGrowthMb: number): string[] {
  return outcomes.flatMap((o) => [
    ...(o.errors + o.timeouts > 0 ? [`${o.mode}: ${o.errors} errors, ${o.timeouts} timeouts`] : []),
    ...Object.entries(o.unexpected).map(
      ([key, count]) => `${o.mode}: unexpected status, ${key} x${count}`,
    ),
    ...(o.requests === 0 ? [`${o.mode}: no requests completed`] : []),
    ...((o.rssAfter - o.rssBefore) / 2 ** 20 > maxGrowthMb
      ? [`${o.mode}: memory grew ${mb(o.rssAfter - o.rssBefore)} MB (bound ${maxGrowthMb} MB)`]
      : []),
  ]);
}

/** Both modes: open, then with a policy read from a loopback SSM endpoint. */
export async function runLoad(settings: LoadSettings, output: ScriptOutput): Promise<number> {
  output.out(
    `load: ${settings.duration} s per mode, ${settings.connections} connections, loopback only`,
  );
  const outcomes: Outcome[] = [await drive('open', {}, openProbes(), settings)];
  // A token made for this run, admitted by the policy the endpoint serves.
  const token = randomBytes(32).toString('base64url');
  const ssm = await startSsmEndpoint({
    kind: 'value',
    value: JSON.stringify({ tokens_sha256: [createHash('sha256').update(token).digest('hex')] }),
  });
  try {
    const env = ssmEnvironment(ssm, '/synapse-version/access-policy', 60);
    outcomes.push(await drive('access policy', env, policyProbes(token), settings));
  } finally {
    await ssm.close();
  }
  output.out('');
  for (const line of outcomeTable(outcomes)) output.out(line);
  const failures = loadFailures(outcomes, settings.maxGrowthMb);
  if (failures.length > 0) {
    output.err(`\nload failed:\n  ${failures.join('\n  ')}`);
    return 1;
  }
  output.out(
    `\nload passed: no errors, no unexpected statuses, growth within ${settings.maxGrowthMb} MB`,
  );
  return 0;
}

export const main = (args: string[], output: ScriptOutput) => runLoad(loadSettings(args), output);

await runScript(import.meta.url, main);
