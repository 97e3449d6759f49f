import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleModulesLoaded } from '../harness/modules-loaded.ts';

/** Every file a fresh process loads while importing `bundle` and answering `event` (a file). */
export function loadedFiles(bundle: string, event: string, env: NodeJS.ProcessEnv): string[] {
  return bundleModulesLoaded(bundle, readFileSync(event, 'utf8'), env).files;
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
