// What an existing dist/ serves, asked of the bundle itself in a fresh process as a direct
// invocation, with no access-policy setting: `npm run show-version` and `npm run smoke`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ANSWER_EVENT } from '../harness/modules-loaded.ts';

export interface BakedDocument {
  server_version: string;
  python_version?: string;
}

/** The version document `root`'s dist/ serves, or undefined when nothing is built. */
export function bakedDocument(root: string): BakedDocument | undefined {
  const bundle = join(root, 'dist', 'handler.js');
  if (!existsSync(bundle)) return undefined;
  return JSON.parse(
    execFileSync(process.execPath, [ANSWER_EVENT, bundle, '{}'], {
      encoding: 'utf8',
      // No environment at all: open mode needs none, and a policy setting in the shell
      // must not change what is reported.
      env: {},
    }),
  ) as BakedDocument;
}
