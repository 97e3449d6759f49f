import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as pause } from 'node:timers/promises';

export interface LoopbackService {
  /** Stops the service and waits for it to exit. */
  stop: () => Promise<void>;
}

/**
 * Starts an outside tool's server (moto_server, the blackbox exporter) in a process group
 * of its own, and resolves once `readyUrl` answers 2xx. Bounded: gives up, stopping it,
 * after `timeoutMs` or when it exits early.
 */
export async function startLoopbackService(
  name: string,
  command: string,
  args: string[],
  readyUrl: string,
  timeoutMs: number,
): Promise<LoopbackService> {
  const child: ChildProcess = spawn(command, args, { stdio: 'ignore', detached: true });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(readyUrl, { signal: AbortSignal.timeout(1_000) })).ok) return { stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`${name} did not start: ${readyUrl} never answered`);
    }
    await pause(100);
  }
}
