// What an existing dist/ serves, asked of the bundle itself in a fresh process as a direct
// invocation, with no access-policy setting: `npm run show-version` and `npm run smoke`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BakedDocument {
  server_version: string;
  python_version?: string;
}

/** The version document `root`'s dist/ serves, or undefined when nothing is built. */
export function bakedDocument(root: string): BakedDocument | undefined {
  const bundle = join(root, 'dist', 'handler.js');
  if (!existsSync(bundle)) return undefined;
  const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
process.stdout.write(JSON.stringify(await handler({})));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      // No environment at all: open mode needs none, and a policy setting in the shell
      // must not change what is reported.
      env: {},
    }),
  ) as BakedDocument;
}
