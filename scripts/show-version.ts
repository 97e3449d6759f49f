// `npm run show-version`: what the dist/ already built would serve — its version string
// and document shape — without rebuilding, so that what is about to be deployed can be
// checked.
import { join } from 'node:path';
import { projectRoot } from '../harness/project-root.ts';
import { readOptions, runScript, type ScriptOutput } from './command-line.ts';
import { bakedDocument } from './dist-version.ts';

const USAGE = `usage: npm run show-version

Prints the server_version and the document shape baked into the existing dist/ (run
\`npm run build\` to make one); exits 1 when there is none.`;

export function main(args: string[], output: ScriptOutput, root: string = projectRoot): number {
  readOptions({}, USAGE, args);
  const document = bakedDocument(root);
  if (document === undefined) {
    output.err('no dist/handler.js: nothing is built here yet (npm run build)');
    return 1;
  }
  const shape =
    document.python_version === undefined
      ? 'without python_version (Synapse 1.94 and later)'
      : 'with python_version (before Synapse 1.94), the version of the Node that runs it';
  output.out(`server_version  ${document.server_version}
document        ${shape}
built           ${join(root, 'dist', 'handler.js')}`);
  return 0;
}

await runScript(import.meta.url, main);
