// `npm run show-version`: what the dist/ already built would serve — its version string
// and document shape — without rebuilding, so that what is about to be deployed can be
// checked. The bundle is asked in a fresh process, as a direct invocation, with no
// access-policy setting.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from './build.ts';
import { readOptions } from './cli-options.ts';

const USAGE = `usage: npm run show-version

Prints the server_version and the document shape baked into the existing dist/ (run
\`npm run build\` to make one); exits 1 when there is none.`;
readOptions({}, USAGE);

const bundle = join(projectRoot, 'dist', 'handler.js');
if (!existsSync(bundle)) {
  console.error('no dist/handler.js: nothing is built here yet (npm run build)');
  process.exit(1);
}
const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
process.stdout.write(JSON.stringify(await handler({})));`;
const environment = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('ACCESS_POLICY_')),
);
const document = JSON.parse(
  execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: environment,
  }),
) as { server_version: string; python_version?: string };

const shape =
  document.python_version === undefined
    ? 'without python_version (Synapse 1.94 and later)'
    : 'with python_version (before Synapse 1.94), the version of the Node that runs it';
console.log(`server_version  ${document.server_version}
document        ${shape}
built           ${bundle}`);
