// Warm cost: each round runs processes (warm.mjs) in which the no-op handler answers
// beside the candidates, batches interleaved; every ratio is to the no-op handler of the
// same process, so that machine drift cancels out.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { shuffle } from './stats.ts';

const warmChild = fileURLToPath(new URL('warm.mjs', import.meta.url));

export interface WarmOptions {
  bundles: Record<string, string>;
  /** Each group runs in a process of its own, beside the no-op handler. */
  groups: string[][];
  event: string;
  env: NodeJS.ProcessEnv;
  rounds: number;
  batches: number;
  batchSize: number;
}

export interface WarmResult {
  nsPerCall: Map<string, number[]>;
  ratioToNoop: Map<string, number[]>;
}

export function warmRuns(options: WarmOptions): WarmResult {
  const names = ['noop', ...options.groups.flat()];
  const nsPerCall = new Map<string, number[]>(names.map((name) => [name, []]));
  const ratioToNoop = new Map<string, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const group of shuffle(options.groups)) {
      const order = shuffle(['noop', ...group]);
      const out = execFileSync(
        process.execPath,
        [
          warmChild,
          options.event,
          String(options.batches),
          String(options.batchSize),
          ...order.map((name) => options.bundles[name] ?? ''),
        ],
        { env: options.env, encoding: 'utf8' },
      );
      const report = JSON.parse(out) as { nsPerCall: number[]; statuses: number[] };
      const ns = (name: string) => report.nsPerCall[order.indexOf(name)] ?? Number.NaN;
      order.forEach((name, i) => {
        if (report.statuses[i] !== 200) {
          throw new Error(`${name} answered ${report.statuses[i]} when warm`);
        }
        nsPerCall.get(name)?.push(ns(name));
        ratioToNoop.get(name)?.push(ns(name) / ns('noop'));
      });
    }
  }
  return { nsPerCall, ratioToNoop };
}
