// Cold starts: each candidate in a fresh Node process (cold-start.mjs), all candidates
// interleaved in random order, so that drift on a shared machine hits them alike.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { shuffle } from './stats.ts';

export interface Candidate {
  /** Unique within a run, e.g. `product (policy)`. */
  key: string;
  label: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** The status the first answer must have; undefined for `node -e 0`. */
  expect: number | undefined;
}

export interface ColdSample {
  wallMs: number;
  importMs?: number;
  firstMs?: number;
  initCpuMs?: number;
  invokeCpuMs?: number;
  maxRssKb?: number;
}

export const coldChild = fileURLToPath(new URL('cold-start.mjs', import.meta.url));

export function runCold(candidate: Candidate): Promise<ColdSample> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, candidate.args, {
      env: candidate.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    child.on('exit', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`${candidate.key} exited ${code}: ${err}`));
      if (candidate.expect === undefined) return resolve({ wallMs });
      const report = JSON.parse(out) as ColdSample & { status: number };
      if (report.status !== candidate.expect) {
        return reject(new Error(`${candidate.key} answered ${report.status}: ${err}`));
      }
      resolve({ ...report, wallMs });
    });
  });
}

/** `runs` cold starts of every candidate, interleaved, after one unmeasured run each. */
export async function coldStarts(
  candidates: readonly Candidate[],
  runs: number,
): Promise<Map<string, ColdSample[]>> {
  const samples = new Map<string, ColdSample[]>(candidates.map((c) => [c.key, []]));
  for (const candidate of candidates) await runCold(candidate);
  for (let run = 0; run < runs; run++) {
    for (const candidate of shuffle(candidates)) {
      samples.get(candidate.key)?.push(await runCold(candidate));
    }
  }
  return samples;
}
