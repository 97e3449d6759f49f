// `npm run bench [-- --check] [-- --write] [-- --runs N]`: bundle size, cold start (wall and
// CPU, split into init and first invoke), warm cost and peak memory of the handler, side
// by side with a no-op handler and the usual alternatives, all measured in one run,
// interleaved. Claims are ratios, never absolute times. `--write` updates BENCHMARKS.md;
// `--check` exits non-zero when a budget is exceeded; neither touches the tree otherwise.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { environmentWithoutPolicy } from '../harness/local-server.ts';
import { projectRoot } from '../harness/project-root.ts';
import { ssmEnvironment, startSsmEndpoint } from '../harness/ssm-endpoint.ts';
import { selfSignedCertificate } from '../harness/tls.ts';
import { build, writeBundle } from '../scripts/build.ts';
import { optionsOrExit, readOptions, wholeNumber } from '../scripts/command-line.ts';
import { type Budget, checkBudgets } from './budgets.ts';
import { type Candidate, type ColdSample, coldChild, coldStarts } from './cold.ts';
import { modelledFirstResponseMs } from './model.ts';
import { renderReport } from './report.ts';
import { filesUnder, loadedFiles, sizeOf } from './sizes.ts';
import { median } from './stats.ts';
import { warmRuns } from './warm-runs.ts';

const USAGE = `usage: npm run bench [-- --check] [-- --write] [-- --runs 30] [-- --warm-rounds 5]

Measures the handler beside its reference points. --check judges the budgets (exit 1 when
one is exceeded); --write puts the report in BENCHMARKS.md; without --write nothing in the
working tree changes.`;
const { args, RUNS, WARM_ROUNDS } = optionsOrExit(() => {
  const args = readOptions(
    {
      check: { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
      runs: { type: 'string', default: '30' },
      'warm-rounds': { type: 'string', default: '5' },
    },
    USAGE,
    process.argv.slice(2),
  );
  return {
    args,
    RUNS: wholeNumber(args.runs, 'runs', 25, ' (fewer runs give medians too loose to judge)'),
    WARM_ROUNDS: wholeNumber(args['warm-rounds'], 'warm-rounds', 3),
  };
});
const WARM_BATCHES = 20;
const WARM_BATCH_SIZE = 10_000;
const benchDir = fileURLToPath(new URL('.', import.meta.url));

// --- Build: the product as it ships; the references as their users bundle them -------------
if (!existsSync(join(benchDir, 'node_modules'))) {
  console.log('installing the reference points (bench/package.json)...');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: benchDir, stdio: 'inherit' });
}
const product = await build();
const baked = { serverVersion: product.serverVersion, includePythonVersion: true };
const references = [
  'noop',
  'hono',
  'middy-powertools',
  'eager-sdk',
  'best-practice',
  'no-sdk',
] as const;
const bundles: Record<string, string> = { product: join(projectRoot, 'dist/handler.js') };
for (const name of references) {
  const outdir = join(benchDir, 'dist', name);
  const entry = relative(projectRoot, join(benchDir, `references/${name}.ts`));
  // The same esbuild options, without the product's own trim of the AWS SDK.
  await writeBundle(projectRoot, entry, outdir, baked, { trimSdk: false });
  bundles[name] = join(outdir, 'handler.js');
}

// --- Events, and an HTTPS SSM endpoint on loopback for access-policy mode -------------------
const scratch = mkdtempSync(join(tmpdir(), 'synapse-version-bench-'));
const openEvent = join(projectRoot, 'events/http-api-get.json');
const token = 'svt_bench-token-0123456789-abcdefghijklmnopqrstu';
const lockedEvent = join(scratch, 'locked.json');
const event = JSON.parse(readFileSync(openEvent, 'utf8'));
event.headers.authorization = `Bearer ${token}`;
writeFileSync(lockedEvent, JSON.stringify(event));
const certificate = selfSignedCertificate(scratch);
const ssm = await startSsmEndpoint(
  {
    kind: 'value',
    value: JSON.stringify({ tokens_sha256: [createHash('sha256').update(token).digest('hex')] }),
  },
  certificate,
);
const openEnv = environmentWithoutPolicy();
const policyEnv = {
  ...openEnv,
  ...ssmEnvironment(ssm, '/synapse-version/access-policy', undefined, certificate),
};

// --- Cold starts -----------------------------------------------------------------------------
const open = (name: string, label: string): Candidate => ({
  key: name,
  label,
  args: [coldChild, bundles[name] ?? '', openEvent],
  env: openEnv,
  expect: 200,
});
const policy = (name: string, label: string): Candidate => ({
  key: `${name} (policy)`,
  label,
  args: [coldChild, bundles[name] ?? '', lockedEvent],
  env: policyEnv,
  expect: 200,
});
const candidates: Candidate[] = [
  { key: 'node', label: '`node -e 0`', args: ['-e', '0'], env: openEnv, expect: undefined },
  open('noop', 'no-op handler'),
  open('product', '**this handler, open mode**'),
  open('hono', 'Hono, aws-lambda adapter'),
  open('middy-powertools', 'middy + Powertools logger, parameters'),
  policy('product', '**this handler, access policy** (read in init)'),
  policy('eager-sdk', 'the same code, SDK at load, policy read in the handler'),
  policy('best-practice', 'best-practice build: the same code, SDK at load, policy read in init'),
  policy('no-sdk', 'no SDK: node:https and hand-written SigV4, policy read in init (the floor)'),
  policy('middy-powertools', 'middy + Powertools, policy read in the handler'),
];
console.log(`cold starts: ${RUNS} runs of ${candidates.length} candidates, interleaved...`);
const cold = await coldStarts(candidates, RUNS);

// --- Warm ------------------------------------------------------------------------------------
console.log(`warm: ${WARM_ROUNDS} rounds x ${WARM_BATCHES * WARM_BATCH_SIZE} invocations each...`);
// The handler alone beside the no-op, and the two references together (their allocation
// and collection would otherwise land in the handler's batches).
const warm = warmRuns({
  bundles,
  groups: [['product'], ['hono', 'middy-powertools']],
  event: openEvent,
  env: openEnv,
  rounds: WARM_ROUNDS,
  batches: WARM_BATCHES,
  batchSize: WARM_BATCH_SIZE,
});
await ssm.close();

// --- What open mode loads, and sizes --------------------------------------------------------
const openLoads = loadedFiles(bundles.product ?? '', openEvent, openEnv);
const openInputs = Object.keys(product.metafile.outputs['dist/handler.js']?.inputs ?? {});
const sdkInOpenMode =
  openInputs.filter((input) => /node_modules\/@(aws-sdk|smithy)\//.test(input)).length +
  openLoads.filter((url) => url !== pathToFileURL(bundles.product ?? '').href).length;
const sizes = {
  openLoad: sizeOf(openLoads.map((url) => fileURLToPath(url))),
  dist: sizeOf(filesUnder(join(projectRoot, 'dist'))),
  hono: sizeOf(filesUnder(join(benchDir, 'dist', 'hono')).filter((p) => p.endsWith('.js'))),
  middy: sizeOf(
    filesUnder(join(benchDir, 'dist', 'middy-powertools')).filter((p) => p.endsWith('.js')),
  ),
};
rmSync(scratch, { recursive: true, force: true });

// --- Budgets ---------------------------------------------------------------------------------
const samples = (key: string): ColdSample[] => cold.get(key) ?? [];
const wall = (key: string) => median(samples(key).map((s) => s.wallMs));
const modelled = (s: ColdSample | undefined) =>
  modelledFirstResponseMs(s?.initCpuMs ?? Number.NaN, s?.invokeCpuMs ?? Number.NaN);
const totalCpu = (s: ColdSample | undefined) =>
  (s?.initCpuMs ?? Number.NaN) + (s?.invokeCpuMs ?? Number.NaN);
/** Median over runs of the ratio of `a` to `b` in the same run (the runs are interleaved). */
const paired = (a: string, b: string, measure: (s: ColdSample | undefined) => number) =>
  median(samples(a).map((sample, run) => measure(sample) / measure(samples(b)[run])));

const budgets: Budget[] = [
  {
    name: 'open-mode cold start ≤ 1.10× the no-op handler (wall)',
    value: wall('product') / wall('noop'),
    limit: 1.1,
  },
  { name: 'AWS SDK files and modules in what open mode loads = 0', value: sdkInOpenMode, limit: 0 },
  {
    name: 'warm ≤ 2× the no-op handler',
    value: median(warm.ratioToNoop.get('product') ?? []),
    limit: 2,
  },
  {
    name: 'access policy: modelled first response at 128 MB ≤ 0.35× the SDK-at-load build',
    value: paired('product (policy)', 'eager-sdk (policy)', modelled),
    limit: 0.35,
  },
  {
    name: 'access policy: modelled first response at 128 MB ≤ 0.35× middy + Powertools',
    value: paired('product (policy)', 'middy-powertools (policy)', modelled),
    limit: 0.35,
  },
  {
    name: 'access policy: total CPU ≤ the SDK-at-load build',
    value: paired('product (policy)', 'eager-sdk (policy)', totalCpu),
    limit: 1,
  },
  {
    name: 'access policy: total CPU ≤ 0.85× the best-practice build (SDK at load, read in init)',
    value: paired('product (policy)', 'best-practice (policy)', totalCpu),
    limit: 0.85,
  },
];
const verdicts = checkBudgets(budgets);

const markdown = renderReport({
  runs: RUNS,
  candidates,
  cold,
  warm,
  warmBatches: WARM_BATCHES,
  warmBatchSize: WARM_BATCH_SIZE,
  warmRounds: WARM_ROUNDS,
  openLoadedFiles: openLoads.length,
  sizes,
  verdicts,
});
console.log(`\n${markdown}`);
if (args.write) {
  writeFileSync(join(projectRoot, 'BENCHMARKS.md'), markdown);
  console.log('written to BENCHMARKS.md');
}
if (args.check && verdicts.some((v) => !v.ok)) {
  console.error('a budget was exceeded');
  process.exitCode = 1;
}
