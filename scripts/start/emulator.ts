// What `npm start` runs, and how it reads what serverless-offline writes: held until it says
// it is ready, so that a failure to listen is one line rather than the route banner followed
// by a stack.
import { constants } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../harness/project-root.ts';
import { portInUse } from './ports.ts';

/** The build, then the emulator with every option given: arguments for node, in order. */
export function startSteps(
  args: string[],
  root = projectRoot,
): { build: string[]; serve: string[] } {
  return {
    build: [join(root, 'scripts/build.ts')],
    serve: [join(root, 'node_modules/serverless/bin/serverless.js'), 'offline', 'start', ...args],
  };
}

/** Exit status of a process ended by `signal`, as a shell reports it. */
export const signalled = (signal: NodeJS.Signals): number => 128 + constants.signals[signal];

/** Where held output goes: process.stdout or process.stderr. */
export interface Sink {
  write(chunk: Buffer): unknown;
}

/** The emulator's output, held until it says `Server ready:`, then passed on as it comes. */
export class HeldOutput {
  ready = false;
  private text = '';
  private readonly held: [Sink, Buffer][] = [];

  /** Takes a chunk the emulator wrote, for `to`. */
  take(to: Sink, chunk: Buffer): void {
    if (this.ready) {
      to.write(chunk);
      return;
    }
    this.held.push([to, chunk]);
    this.text += chunk.toString();
    if (this.text.includes('Server ready:')) {
      this.ready = true;
      for (const [sink, text] of this.held.splice(0)) sink.write(text);
    }
  }

  /**
   * Once the emulator has exited: the one line for a port it found in use before it was
   * ready, or undefined, having passed on whatever it held.
   */
  exited(): string | undefined {
    if (this.ready) return undefined;
    const taken = /EADDRINUSE: address already in use (\S+):(\d+)/.exec(this.text);
    // Both groups are there whenever the pattern matches.
    if (taken) return portInUse(String(taken[1]), Number(taken[2]));
    for (const [sink, text] of this.held) sink.write(text);
    return undefined;
  }
}
