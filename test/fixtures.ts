import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Loads an event from events/, the fixtures shared with `osls invoke local` and SAM. */
export function loadEvent<T = Record<string, unknown>>(name: string): T {
  const path = fileURLToPath(new URL(`../events/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
