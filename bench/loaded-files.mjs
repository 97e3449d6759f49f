// Lists every file a fresh process loads as a module while importing a bundle and
// answering one event.
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

const [bundle = '', eventPath = ''] = process.argv.slice(2);
const files = [];
registerHooks({
  load(url, context, next) {
    if (url.startsWith('file:')) files.push(url);
    return next(url, context);
  },
});
const { handler } = await import(pathToFileURL(bundle).href);
await handler(JSON.parse(readFileSync(eventPath, 'utf8')), {});
process.stdout.write(JSON.stringify(files));
process.exit(0);
