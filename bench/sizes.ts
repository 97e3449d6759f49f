// What a cold start loads, and how big the bundles are.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const loadedFilesChild = fileURLToPath(new URL('loaded-files.mjs', import.meta.url));

/** Every file a fresh process loads while importing `bundle` and answering `event`. */
export function loadedFiles(bundle: string, event: string, env: NodeJS.ProcessEnv): string[] {
  return JSON.parse(
    execFileSync(process.execPath, [loadedFilesChild, bundle, event], { env, encoding: 'utf8' }),
  ) as string[];
}

export interface Size {
  bytes: number;
  gzip: number;
}

export function sizeOf(paths: readonly string[]): Size {
  const contents = paths.map((path) => readFileSync(path));
  return {
    bytes: contents.reduce((sum, c) => sum + c.length, 0),
    gzip: contents.reduce((sum, c) => sum + gzipSync(c, { level: 9 }).length, 0),
  };
}

export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}
