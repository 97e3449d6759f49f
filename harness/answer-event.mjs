// `node harness/answer-event.mjs <bundle> <event as JSON>`: imports a built bundle in this
// fresh process, answers the one event as Lambda would call it, and prints the result as
// JSON. What `npm run show-version`, the build's tests and the benchmark's size report ask
// of dist/; a fresh process because a bundle reads its settings once, at load.
import { pathToFileURL } from 'node:url';

const [bundle = '', event = '{}'] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundle).href);
process.stdout.write(JSON.stringify(await handler(JSON.parse(event), {})));
// A policy-mode bundle may keep a refresh timer or a socket: the answer is all that counts.
process.exit(0);
