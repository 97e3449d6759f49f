// BENCHMARKS.md, from one run's measurements.
import { cpus, totalmem } from 'node:os';
import type { Verdict } from './budgets.ts';
import type { Candidate, ColdSample } from './cold.ts';
import { FULL_VCPU_MB, MEMORY_MB, modelledFirstResponseMs } from './model.ts';
import type { Size } from './sizes.ts';
import { median, quantile } from './stats.ts';
import type { WarmResult } from './warm-runs.ts';

export interface ReportInput {
  runs: number;
  candidates: readonly Candidate[];
  cold: Map<string, ColdSample[]>;
  warm: WarmResult;
  warmBatches: number;
  warmBatchSize: number;
  warmRounds: number;
  openLoadedFiles: number;
  sizes: { openLoad: Size; dist: Size; hono: Size; middy: Size };
  verdicts: readonly Verdict[];
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const kb = (bytes: number) => `${fmt(bytes / 1024, 1)} KB`;

export function renderReport(input: ReportInput): string {
  const { cold, candidates } = input;
  const samples = (key: string) => cold.get(key) ?? [];
  const wallOf = (key: string) => samples(key).map((s) => s.wallMs);
  const noop = median(wallOf('noop'));
  const bare = median(wallOf('node'));

  const coldRows = candidates.map((c) => {
    const wall = wallOf(c.key);
    const rss = samples(c.key)
      .map((s) => s.maxRssKb ?? 0)
      .filter((v) => v > 0);
    const spread = `${fmt(quantile(wall, 0.25) / noop)}–${fmt(quantile(wall, 0.75) / noop)}×`;
    const memory = rss.length ? `${fmt(median(rss) / 1024, 1)} MB` : '–';
    return `| ${c.label} | ${fmt(median(wall) / noop)}× | ${spread} | ${fmt(median(wall) / bare)}× | ${memory} |`;
  });

  // CPU, split at the end of the import (Lambda's init) and the first answer.
  const measured = candidates.filter((c) => c.expect !== undefined);
  const cpu = (key: string, part: (s: ColdSample) => number) => median(samples(key).map(part));
  const init = (s: ColdSample) => s.initCpuMs ?? Number.NaN;
  const invoke = (s: ColdSample) => s.invokeCpuMs ?? Number.NaN;
  const modelled = (s: ColdSample) => modelledFirstResponseMs(init(s), invoke(s));
  const reference = 'eager-sdk (policy)';
  const referenceModel = cpu(reference, modelled);
  const totalOf = (s: ColdSample | undefined) => (s ? init(s) + invoke(s) : Number.NaN);
  /** Median over runs of the ratio of `a`'s total CPU to `b`'s in the same run, as the budgets. */
  const pairedTotal = (a: string, b: string) =>
    median(samples(a).map((s, run) => totalOf(s) / totalOf(samples(b)[run])));
  const bestPractice = 'best-practice (policy)';
  const floor = 'no-sdk (policy)';
  const cpuRows = measured.map((c) => {
    const total = cpu(c.key, totalOf);
    const model = cpu(c.key, modelled);
    const policy = c.key.endsWith('(policy)');
    const ratio = policy ? `${fmt(model / referenceModel)}×` : '–';
    const toBest = policy ? `${fmt(pairedTotal(c.key, bestPractice))}×` : '–';
    return `| ${c.label} | ${fmt(cpu(c.key, init), 1)} | ${fmt(cpu(c.key, invoke), 1)} | ${fmt(total, 1)} | ${toBest} | ${fmt(model, 0)} | ${ratio} |`;
  });

  const labelOf = (key: string) => candidates.find((c) => c.key === key)?.label ?? key;
  const warmRows = [...input.warm.nsPerCall.keys()].map((name) => {
    const ns = median(input.warm.nsPerCall.get(name) ?? []);
    const ratio = median(input.warm.ratioToNoop.get(name) ?? []);
    return `| ${labelOf(name)} | ${fmt(ns, 0)} ns | ${fmt(ratio)}× |`;
  });

  const { sizes } = input;
  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  return `# Benchmarks

The latest \`npm run bench -- --write\`. Every claim is a ratio measured side by side in the same
run on the same machine; absolute times on a shared machine mean little and are shown for
scale only.

- machine: ${cpus().length} × ${cpuModel}, ${fmt(totalmem() / 2 ** 30, 0)} GiB
- Node: ${process.version} (the tests' Node, from the \`node\` dev dependency)
- run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC
- commands: \`npm run bench\` (prints this report), \`npm run bench -- --write\` (writes this
  file), \`npm run bench -- --check\` (exits non-zero when a budget is exceeded); the reference
  points live in \`bench/references/\` with their own \`package.json\`, bundled with the product's
  esbuild options but without its trim of the AWS SDK, as their users would bundle them.

## Cold start, wall time

A fresh \`node\` process imports the bundle and answers one API Gateway HTTP API event
(\`events/http-api-get.json\`, with a listed token in access-policy mode); wall time from spawn
to exit. ${input.runs} runs per candidate, interleaved in random order. Ratios to the median of
the no-op handler (and of \`node -e 0\`). Access-policy mode reads its policy from a loopback
SSM endpoint over HTTPS (a certificate made for the run, trusted through
\`NODE_EXTRA_CA_CERTS\`), as Lambda reads SSM.

| candidate | median vs no-op | p25–p75 vs no-op | median vs \`node -e 0\` | peak RSS |
|---|---|---|---|---|
${coldRows.join('\n')}

## Cold start as Lambda runs it at ${MEMORY_MB} MB

The same runs, their CPU time (user + system, \`process.cpuUsage()\`) split where the import
resolves, top-level awaits included: that much is Lambda's init, the rest the first invoke.
Lambda gives a function CPU in proportion to its memory, one full vCPU at ${FULL_VCPU_MB} MB
(AWS Lambda Developer Guide, "Configuring Lambda function memory"), so an invoke at
${MEMORY_MB} MB runs on ${MEMORY_MB}/${FULL_VCPU_MB} of a vCPU; the init phase, by published
measurements, runs unthrottled. The model:

> modelled first response = init CPU + invoke CPU × ${FULL_VCPU_MB}/${MEMORY_MB}

CPU ratios hold within about ±5 % on a loaded shared machine where wall times do not.
Medians in milliseconds, for scale. "Total vs best practice" is the median over runs of the
ratio of total CPU to the best-practice build's in the same run (the same code with the SDK
imported at load and the policy read in the init, with a top-level await, bundled alike but
without the product's trims of the SDK); the last column is the ratio of modelled first
responses to the conventional build (the same code with the SDK imported at load and the
policy read in the handler).

| candidate | init CPU ms | first invoke CPU ms | total CPU ms | total vs best practice | modelled first response ms | vs conventional |
|---|---|---|---|---|---|---|
${cpuRows.join('\n')}

The floor: a handler that reads the same parameter with no SDK at all (node:https, and SigV4
signed by hand with node:crypto) costs ${fmt(pairedTotal(floor, bestPractice))}× the best-practice build's total CPU;
access-policy mode costs ${fmt(pairedTotal('product (policy)', floor))}× the floor's, the SDK's price for its retries, error
classification, endpoint rules and signing.

## Warm

Each round, a process imports the no-op handler beside this handler (another, beside the two
references) and has each answer the same event in ${input.warmBatches} batches of
${input.warmBatchSize}, batches interleaved in random order. Per invocation: the median batch,
then the median over ${input.warmRounds} rounds; ratios: the median of the per-round ratios to
the no-op handler of the same process.

| candidate | per invocation | vs no-op |
|---|---|---|
${warmRows.join('\n')}

## Bundle

| what | bytes | gzip |
|---|---|---|
| what open mode loads (${input.openLoadedFiles} file: \`dist/handler.js\`) | ${kb(sizes.openLoad.bytes)} | ${kb(sizes.openLoad.gzip)} |
| all of \`dist/\`, the deployment package (policy chunks included, no source maps) | ${kb(sizes.dist.bytes)} | ${kb(sizes.dist.gzip)} |
| Hono reference bundle | ${kb(sizes.hono.bytes)} | ${kb(sizes.hono.gzip)} |
| middy + Powertools reference bundle | ${kb(sizes.middy.bytes)} | ${kb(sizes.middy.gzip)} |

## Budgets (\`npm run bench -- --check\`)

Access-policy ratios are the median over runs of the ratio within each run.

| budget | measured | verdict |
|---|---|---|
${input.verdicts.map((v) => `| ${v.name} | ${fmt(v.value)} | ${v.ok ? 'pass' : '**FAIL**'} |`).join('\n')}
`;
}
