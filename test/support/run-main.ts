import { exitStatus, type ScriptMain } from '../../scripts/command-line.ts';

/** What a script's `main` did: its exit status and the lines it wrote to each stream. */
export interface MainRun {
  code: number;
  out: string[];
  err: string[];
}

/** Runs a script's `main` in this process as its command would, capturing its lines. */
export async function runMain(main: ScriptMain, args: string[]): Promise<MainRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await exitStatus(main, args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}
