// Where the project lives, for every tool: found from this file's own place with nothing
// but node:path and node:url, so that a tool that only needs the path (smoke, show-version)
// loads no bundler.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's folder, the parent of harness/. */
export const projectRoot = dirname(dirname(fileURLToPath(import.meta.url)));
