import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Loads an event from events/, the fixtures shared with `osls invoke local` and SAM. */
export function loadEvent(name: string): Record<string, unknown> {
  const path = fileURLToPath(new URL(`../events/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}
