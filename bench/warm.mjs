// Warm cost, side by side in one process: each bundle answers the same event in batches,
// the bundles' batches interleaved in random order so that drift on a shared machine hits
// them alike. Prints the median nanoseconds per invocation of each.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { median, shuffle } from './stats.ts';

const [eventPath = '', batchesText = '20', batchSizeText = '10000', ...bundles] =
  process.argv.slice(2);
const event = JSON.parse(readFileSync(eventPath, 'utf8'));
const batches = Number(batchesText);
const batchSize = Number(batchSizeText);
const context = {};

// One closure per bundle, so that each loop keeps type feedback of its own handler.
const makeLoop = (handler) => async (count) => {
  let status = 0;
  for (let i = 0; i < count; i++) status = (await handler(event, context)).statusCode;
  return status;
};
const loops = [];
for (const bundle of bundles) {
  const { handler } = await import(pathToFileURL(bundle).href);
  loops.push(makeLoop(handler));
}
const statuses = [];
for (const loop of loops) statuses.push(await loop(batchSize * 2));

const samples = loops.map(() => []);
for (let b = 0; b < batches; b++) {
  const order = shuffle(loops.map((_, i) => i));
  for (const i of order) {
    const start = process.hrtime.bigint();
    await loops[i](batchSize);
    samples[i].push(Number(process.hrtime.bigint() - start) / batchSize);
  }
}
process.stdout.write(JSON.stringify({ nsPerCall: samples.map(median), statuses }));
process.exit(0);
