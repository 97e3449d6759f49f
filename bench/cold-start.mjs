// One cold start, in the fresh Node process the benchmark spawned: import a bundle, answer
// one event, report the split and the peak memory, and leave at once (an SDK keeps sockets).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle = '', eventPath = ''] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventPath, 'utf8'));
const started = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const imported = performance.now();
const result = await handler(event, {});
const answered = performance.now();
process.stdout.write(
  JSON.stringify({
    importMs: imported - started,
    firstMs: answered - imported,
    status: result?.statusCode,
    maxRssKb: process.resourceUsage().maxRSS,
  }),
);
process.exit(0);
