// `npm run bench [-- --check] [-- --runs N]`: bundle size, cold start, warm cost and peak
// memory of the handler, side by side with a no-op handler and the usual alternatives, all
// measured in one run, interleaved. Claims are ratios, never absolute times.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, projectRoot, writeBundle } from '../scripts/build.ts';
import { environmentWithoutPolicy } from '../test/support/local-server.ts';
import { startSsmEndpoint } from '../test/support/ssm-endpoint.ts';
import { type Budget, checkBudgets } from './budgets.ts';
import { median, quantile } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    runs: { type: 'string', default: '30' },
    'warm-rounds': { type: 'string', default: '5' },
  },
});
const RUNS = Math.max(25, Number(args.runs));
const WARM_ROUNDS = Math.max(3, Number(args['warm-rounds']));
const WARM_BATCHES = 20;
const WARM_BATCH_SIZE = 10_000;

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const node = process.execPath;

// --- Build: the product as it ships, the references with the same esbuild options ----------
if (!existsSync(join(benchDir, 'node_modules'))) {
  console.log('installing the reference points (bench/package.json)...');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: benchDir, stdio: 'inherit' });
}
const product = await build();
const baked = { serverVersion: product.serverVersion, includePythonVersion: true };
const references = ['noop', 'hono', 'middy-powertools', 'eager-sdk'] as const;
const bundles: Record<string, string> = { product: join(projectRoot, 'dist/handler.js') };
for (const name of references) {
  const outdir = join(benchDir, 'dist', name);
  await writeBundle(
    projectRoot,
    relative(projectRoot, join(benchDir, `references/${name}.ts`)),
    outdir,
    baked,
  );
  bundles[name] = join(outdir, 'handler.js');
}

// --- Events and the loopback SSM endpoint for configured mode --------------------------------
const scratch = mkdtempSync(join(tmpdir(), 'synapse-version-bench-'));
const openEvent = join(projectRoot, 'events/http-api-get.json');
const token = 'svt_bench-token-0123456789-abcdefghijklmnopqrstu';
const lockedEvent = join(scratch, 'locked.json');
const event = JSON.parse(readFileSync(openEvent, 'utf8'));
event.headers.authorization = `Bearer ${token}`;
writeFileSync(lockedEvent, JSON.stringify(event));
const digest = createHash('sha256').update(token).digest('hex');
const ssm = await startSsmEndpoint({
  kind: 'value',
  value: JSON.stringify({ tokens_sha256: [digest] }),
});
const configuredEnv = {
  ACCESS_POLICY_PARAMETER: '/synapse-version/access-policy',
  AWS_ENDPOINT_URL_SSM: ssm.url,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench',
};
const openEnv = environmentWithoutPolicy();

// --- Cold starts -------------------------------------------------------------------------
interface Candidate {
  name: string;
  label: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  expect: number | undefined;
}
const coldChild = join(benchDir, 'cold-start.mjs');
const open = (name: string, label: string): Candidate => ({
  name,
  label,
  args: [coldChild, bundles[name] ?? '', openEvent],
  env: openEnv,
  expect: 200,
});
const configured = (name: string, label: string): Candidate => ({
  name,
  label,
  args: [coldChild, bundles[name] ?? '', lockedEvent],
  env: { ...openEnv, ...configuredEnv },
  expect: 200,
});
const candidates: Candidate[] = [
  { name: 'node', label: '`node -e 0`', args: ['-e', '0'], env: openEnv, expect: undefined },
  open('noop', 'no-op handler'),
  open('product', '**this handler, open mode**'),
  open('hono', 'Hono, aws-lambda adapter'),
  open('middy-powertools', 'middy + Powertools logger, parameters'),
  configured('product', '**this handler, access policy**'),
  configured('eager-sdk', 'the same, SDK imported eagerly'),
];
const key = (c: Candidate): string => `${c.name}${c.env === openEnv ? '' : ' (policy)'}`;

interface ColdSample {
  wallMs: number;
  importMs?: number;
  firstMs?: number;
  maxRssKb?: number;
}
function runCold(candidate: Candidate): Promise<ColdSample> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(node, candidate.args, {
      env: candidate.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    child.on('exit', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`${key(candidate)} exited ${code}: ${err}`));
      if (candidate.expect === undefined) return resolve({ wallMs });
      const report = JSON.parse(out) as ColdSample & { status: number };
      if (report.status !== candidate.expect) {
        return reject(new Error(`${key(candidate)} answered ${report.status}: ${err}`));
      }
      resolve({ ...report, wallMs });
    });
  });
}

const shuffle = <T>(items: T[]): T[] => {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
};

console.log(`cold starts: ${RUNS} runs of ${candidates.length} candidates, interleaved...`);
const cold = new Map<string, ColdSample[]>(candidates.map((c) => [key(c), []]));
for (const candidate of candidates) await runCold(candidate); // one unmeasured run each
for (let run = 0; run < RUNS; run++) {
  for (const candidate of shuffle(candidates))
    cold.get(key(candidate))?.push(await runCold(candidate));
}

// --- Warm --------------------------------------------------------------------------------
const warmChild = join(benchDir, 'warm.mjs');
// Each round runs two processes, each with the no-op handler beside it: the handler alone,
// and the two references together (their allocation and collection would otherwise land
// in the handler's batches). Every ratio is to the no-op of the same process.
const warmGroups = [['product'], ['hono', 'middy-powertools']];
const warmNames = ['noop', ...warmGroups.flat()];
const warm = new Map<string, number[]>(warmNames.map((name) => [name, []]));
const warmRatio = new Map<string, number[]>(warmNames.map((name) => [name, []]));
console.log(
  `warm: ${WARM_ROUNDS} rounds x ${WARM_BATCHES * WARM_BATCH_SIZE} invocations per candidate...`,
);
for (let round = 0; round < WARM_ROUNDS; round++) {
  for (const group of shuffle(warmGroups)) {
    const names = shuffle(['noop', ...group]);
    const out = execFileSync(
      node,
      [
        warmChild,
        openEvent,
        String(WARM_BATCHES),
        String(WARM_BATCH_SIZE),
        ...names.map((name) => bundles[name] ?? ''),
      ],
      { env: openEnv, encoding: 'utf8' },
    );
    const report = JSON.parse(out) as { nsPerCall: number[]; statuses: number[] };
    const ns = (name: string) => report.nsPerCall[names.indexOf(name)] ?? Number.NaN;
    names.forEach((name, i) => {
      if (report.statuses[i] !== 200) {
        throw new Error(`${name} answered ${report.statuses[i]} when warm`);
      }
      warm.get(name)?.push(ns(name));
      warmRatio.get(name)?.push(ns(name) / ns('noop'));
    });
  }
}
await ssm.close();

// --- What open mode loads ----------------------------------------------------------------
const loadedFiles = JSON.parse(
  execFileSync(node, [join(benchDir, 'loaded-files.mjs'), bundles.product ?? '', openEvent], {
    env: openEnv,
    encoding: 'utf8',
  }),
) as string[];
const openInputs = Object.keys(product.metafile.outputs['dist/handler.js']?.inputs ?? {});
const sdkInOpenMode =
  openInputs.filter((input) => /node_modules\/@(aws-sdk|smithy)\//.test(input)).length +
  loadedFiles.filter((url) => url !== pathToFileURL(bundles.product ?? '').href).length;

// --- Sizes -------------------------------------------------------------------------------
const sizeOf = (paths: string[]) => {
  const contents = paths.map((path) => readFileSync(path));
  return {
    bytes: contents.reduce((sum, c) => sum + c.length, 0),
    gzip: contents.reduce((sum, c) => sum + gzipSync(c, { level: 9 }).length, 0),
  };
};
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
const openLoad = sizeOf(loadedFiles.map((url) => fileURLToPath(url)));
const allDist = sizeOf(filesUnder(join(projectRoot, 'dist')));
const referenceSizes = Object.fromEntries(
  ['hono', 'middy-powertools'].map((name) => [
    name,
    sizeOf(filesUnder(join(benchDir, 'dist', name)).filter((p) => p.endsWith('.js'))),
  ]),
);

// --- Report ------------------------------------------------------------------------------
const coldOf = (name: string) => (cold.get(name) ?? []).map((s) => s.wallMs);
const noopCold = median(coldOf('noop'));
const nodeCold = median(coldOf('node'));
const fmt = (n: number, digits = 2) => n.toFixed(digits);
const kb = (bytes: number) => `${fmt(bytes / 1024, 1)} KB`;

// The in-process split of the policy rows, as shares of the eager build's import + first
// request, so that it too is a ratio measured in this run.
const eagerSamples = cold.get('eager-sdk (policy)') ?? [];
const eagerTotal = median(eagerSamples.map((s) => (s.importMs ?? 0) + (s.firstMs ?? 0)));
const coldRows = candidates.map((c) => {
  const samples = cold.get(key(c)) ?? [];
  const wall = samples.map((s) => s.wallMs);
  const m = median(wall);
  const rss = samples.map((s) => s.maxRssKb ?? 0).filter((v) => v > 0);
  const importShare = median(samples.map((s) => s.importMs ?? 0)) / eagerTotal;
  const firstShare = median(samples.map((s) => s.firstMs ?? 0)) / eagerTotal;
  const split =
    c.env === openEnv || c.expect === undefined
      ? ''
      : `import ${fmt(importShare)}× + first request ${fmt(firstShare)}×`;
  return {
    candidate: c,
    row: `| ${c.label} | ${fmt(m / noopCold)}× | ${fmt(quantile(wall, 0.25) / noopCold)}–${fmt(quantile(wall, 0.75) / noopCold)}× | ${fmt(m / nodeCold)}× | ${rss.length ? `${fmt(median(rss) / 1024, 1)} MB` : '–'} | ${split} |`,
    medianMs: m,
  };
});
const warmRows = warmNames.map((name) => {
  const label = coldRows.find((r) => r.candidate.name === name)?.candidate.label ?? name;
  const ratio = median(warmRatio.get(name) ?? []);
  return `| ${label} | ${fmt(median(warm.get(name) ?? []), 0)} ns | ${fmt(ratio)}× |`;
});

const byKey = (k: string) => coldRows.find((r) => key(r.candidate) === k);
const budgets: Budget[] = [
  {
    name: 'open-mode cold start ≤ 1.10× the no-op handler',
    value: (byKey('product')?.medianMs ?? Number.NaN) / noopCold,
    limit: 1.1,
  },
  { name: 'AWS SDK files and modules in what open mode loads = 0', value: sdkInOpenMode, limit: 0 },
  {
    name: 'warm ≤ 2× the no-op handler',
    value: median(warmRatio.get('product') ?? []),
    limit: 2,
  },
  {
    // Both builds load the same code, so equal is the expected result; the 5 % is this
    // paired comparison's run-to-run spread on a shared machine. What the budget catches is
    // a lazy path that loads or does more than the eager one.
    name: 'access-policy import + first request ≤ 1.05× the eager-SDK build (median of paired runs)',
    value: median(
      (cold.get('product (policy)') ?? []).map((lazy, run) => {
        const eager = cold.get('eager-sdk (policy)')?.[run];
        const total = (s: ColdSample | undefined) =>
          (s?.importMs ?? Number.NaN) + (s?.firstMs ?? 0);
        return total(lazy) / total(eager);
      }),
    ),
    limit: 1.05,
  },
];
const verdicts = checkBudgets(budgets);

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const table = `## Cold start

A fresh \`node\` process imports the bundle and answers one API Gateway HTTP API event
(\`events/http-api-get.json\`); wall time from spawn to exit. ${RUNS} runs per candidate,
interleaved in random order. Ratios to the median of the no-op handler (and of \`node -e 0\`).
The access-policy rows read the policy from a loopback SSM endpoint; their split, measured
inside the process, is given as shares of the eager-SDK build's import + first request.

| candidate | median vs no-op | p25–p75 vs no-op | median vs \`node -e 0\` | peak RSS | split |
|---|---|---|---|---|---|
${coldRows.map((r) => r.row).join('\n')}

## Warm

Each round, a process imports the no-op handler beside this handler (another, beside the two
references) and has each answer the same event in ${WARM_BATCHES} batches of ${WARM_BATCH_SIZE},
batches interleaved in random order. Per invocation: the median batch, then the median over
${WARM_ROUNDS} rounds; ratios: the median of the per-round ratios to the no-op handler of the same
process (absolute nanoseconds are shown for scale only).

| candidate | per invocation | vs no-op |
|---|---|---|
${warmRows.join('\n')}

## Bundle

| what | bytes | gzip |
|---|---|---|
| what open mode loads (${loadedFiles.length} file: \`dist/handler.js\`) | ${kb(openLoad.bytes)} | ${kb(openLoad.gzip)} |
| all of \`dist/\` (policy chunks and source maps included) | ${kb(allDist.bytes)} | ${kb(allDist.gzip)} |
| Hono reference bundle | ${kb(referenceSizes.hono?.bytes ?? 0)} | ${kb(referenceSizes.hono?.gzip ?? 0)} |
| middy + Powertools reference bundle | ${kb(referenceSizes['middy-powertools']?.bytes ?? 0)} | ${kb(referenceSizes['middy-powertools']?.gzip ?? 0)} |

## Budgets (\`npm run bench -- --check\`)

| budget | measured | verdict |
|---|---|---|
${verdicts.map((v) => `| ${v.name} | ${fmt(v.value)} | ${v.ok ? 'pass' : '**FAIL**'} |`).join('\n')}
`;

const markdown = `# Benchmarks

The latest \`npm run bench\`. Every figure is a ratio measured side by side in the same run on
the same machine; absolute times on a shared machine mean little and are not claimed.

- machine: ${cpus().length} × ${cpu}, ${fmt(totalmem() / 2 ** 30, 0)} GiB
- Node: ${process.version} (the tests' Node, from the \`node\` dev dependency)
- run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC
- commands: \`npm ci && npm run bench\` (writes this file), \`npm run bench -- --check\`
  (exits non-zero when a budget is exceeded); reference points live in \`bench/\` with their own
  \`package.json\` and are bundled with the product's esbuild options.

${table}`;

writeFileSync(join(projectRoot, 'BENCHMARKS.md'), markdown);
console.log(`\n${table}\nwritten to BENCHMARKS.md`);
if (args.check && verdicts.some((v) => !v.ok)) {
  console.error('a budget was exceeded');
  process.exitCode = 1;
}
