// `npm run show-version`: what the dist/ already built would serve — its version string
// and document shape — without rebuilding, so that what is about to be deployed can be
// checked.
import { join } from 'node:path';
import { bakedDocument } from './baked-version.ts';
import { projectRoot } from './build.ts';
import { readOptions } from './cli-options.ts';

const USAGE = `usage: npm run show-version

Prints the server_version and the document shape baked into the existing dist/ (run
\`npm run build\` to make one); exits 1 when there is none.`;
readOptions({}, USAGE);

const document = bakedDocument(projectRoot);
if (document === undefined) {
  console.error('no dist/handler.js: nothing is built here yet (npm run build)');
  process.exit(1);
}
const shape =
  document.python_version === undefined
    ? 'without python_version (Synapse 1.94 and later)'
    : 'with python_version (before Synapse 1.94), the version of the Node that runs it';
console.log(`server_version  ${document.server_version}
document        ${shape}
built           ${join(projectRoot, 'dist', 'handler.js')}`);
