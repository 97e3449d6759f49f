// One cold start, in the fresh Node process the benchmark spawned: import a bundle (its
// top-level awaits included: Lambda's init), answer one event (the first invoke), report
// each part's wall and CPU time and the peak memory, and leave at once (an SDK keeps
// sockets open).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle = '', eventPath = ''] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventPath, 'utf8'));
const cpuMs = ({ user, system }) => (user + system) / 1000;
const startCpu = process.cpuUsage();
const started = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const initCpu = process.cpuUsage(startCpu);
const imported = performance.now();
const result = await handler(event, {});
const totalCpu = process.cpuUsage(startCpu);
const answered = performance.now();
process.stdout.write(
  JSON.stringify({
    importMs: imported - started,
    firstMs: answered - imported,
    initCpuMs: cpuMs(initCpu),
    invokeCpuMs: cpuMs(totalCpu) - cpuMs(initCpu),
    status: result?.statusCode,
    maxRssKb: process.resourceUsage().maxRSS,
  }),
);
process.exit(0);
