import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { projectRoot } from './project-root.ts';

/** A port the kernel just handed out on loopback, free for the next listener. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** This process's environment without the access-policy settings a shell may carry. */
export function environmentWithoutPolicy(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('ACCESS_POLICY_')),
  );
}

export interface LocalServer {
  baseUrl: string;
  /** The `npm start` process; the server runs among its descendants. */
  pid: number;
  /** Everything the server has printed so far, stdout and stderr. */
  output: () => string;
  /**
   * What the server printed from offset `since` on, once it matches `pattern`: a log line
   * can reach the pipe after the answer it belongs to. Bounded: after `timeoutMs` it gives
   * what there is, unmatched, for the test's own expectation to fail on and show.
   */
  printed: (pattern: RegExp, since?: number, timeoutMs?: number) => Promise<string>;
  stop: () => Promise<void>;
}

/**
 * Runs `npm start` exactly as the README says, on a port of its own, and resolves once
 * serverless-offline says it is ready. Bounded: gives up after `timeoutMs`.
 */
export async function startLocalServer(
  env: NodeJS.ProcessEnv = {},
  /** The project to build and serve (the tests give each server a copy of its own). */
  root = projectRoot,
  timeoutMs = 90_000,
): Promise<LocalServer> {
  const httpPort = await freePort();
  // A policy set in the developer's shell must not leak into an open-mode run.
  const inherited = environmentWithoutPolicy();
  // `--httpPort` alone, as the README says: nothing else listens on a fixed port.
  return serve('npm', ['start', '--', '--httpPort', String(httpPort)], {
    cwd: root,
    env: { ...inherited, ...env },
    httpPort,
    timeoutMs,
  });
}

/** Runs the project's serverless-offline on another service's folder (test fixtures). */
export async function startOfflineService(cwd: string, timeoutMs = 90_000): Promise<LocalServer> {
  const httpPort = await freePort();
  const cli = join(projectRoot, 'node_modules/.bin/serverless');
  return serve(cli, ['offline', 'start', '--httpPort', String(httpPort)], {
    cwd,
    env: environmentWithoutPolicy(),
    httpPort,
    timeoutMs,
  });
}

interface ServeOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  httpPort: number;
  timeoutMs: number;
}

/** Process groups still running, ended when this process exits however its tests went. */
const running = new Set<number>();
process.once('exit', () => {
  for (const group of running) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function serve(command: string, args: string[], options: ServeOptions): Promise<LocalServer> {
  const { cwd, env, httpPort, timeoutMs } = options;
  const child: ChildProcess = spawn(command, args, { cwd, env, detached: true, stdio: 'pipe' });
  if (child.pid !== undefined) running.add(child.pid);
  child.once('exit', () => child.pid !== undefined && running.delete(child.pid));
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const killTimer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(killTimer);
    }
  };
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${command} was not ready after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(`Server ready: ${baseUrl}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code}:\n${output}`));
    });
  });
  const printed = async (pattern: RegExp, since = 0, timeoutMs = 5_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output.slice(since))) {
      if (Date.now() > deadline) return output.slice(since);
      await pause(50);
    }
    return output.slice(since);
  };
  return { baseUrl, pid: child.pid ?? 0, output: () => output, printed, stop };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One request with the path sent exactly as given (no normalisation), bounded in time. A
 * header given as a list is sent as that many lines.
 */
export function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string | string[]> = {},
): Promise<Reply> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, method, path, headers, agent: false, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
