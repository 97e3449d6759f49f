import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer, type Server } from 'node:net';
import { setTimeout as pause } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { environmentWithoutPolicy, freePort } from '../../harness/local-server.ts';
import { consoleExamples, runExample } from '../support/console-examples.ts';
import { projectCopy } from '../support/project-copy.ts';

// npm start builds dist/ before it serves: in this file's own project copy.
const project = projectCopy();

// `npm start` as an operator runs it, a bad or busy port, and stopped by a signal sent to
// the npm process alone: each on a free loopback port, each bounded in time.
const WITHIN_MS = 10_000;

interface Started {
  npm: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; ms: number }>;
}

/** Process groups of this file's `npm start`s, ended after each test however it went. */
const groups = new Set<number>();
afterEach(() => {
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  groups.clear();
});

/** `npm start -- <args>` in a process group of its own, so that its descendants can be seen. */
function npmStart(args: string[]): Started {
  const began = Date.now();
  const npm = spawn('npm', ['start', '--', ...args], {
    cwd: project,
    env: environmentWithoutPolicy(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (npm.pid !== undefined) groups.add(npm.pid);
  let stdout = '';
  let stderr = '';
  npm.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  npm.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) =>
    npm.once('close', (code) => resolve({ code, ms: Date.now() - began })),
  );
  return { npm, output: () => ({ stdout, stderr }), exited };
}

/** Resolves once `test` holds, checking every 50 ms; rejects after `ms`. */
async function until(test: () => boolean, ms: number, what: string): Promise<number> {
  const began = Date.now();
  while (!test()) {
    if (Date.now() - began > ms) throw new Error(`${what}: not within ${ms} ms`);
    await pause(50);
  }
  return Date.now() - began;
}

/** Whether something accepts connections on the loopback port. */
const answers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Whether the port stops answering within `ms`, checked every 100 ms. */
async function freedWithin(port: number, ms: number): Promise<boolean> {
  const began = Date.now();
  while (await answers(port)) {
    if (Date.now() - began > ms) return false;
    await pause(100);
  }
  return true;
}

/** Whether any process of the group is left. */
const groupAlive = (group: number): boolean => {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
};

const listenOn = (port: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** What npm start wrote to stderr, and npm's own header lines set apart from stdout. */
const scriptOutput = (started: Started) => {
  const { stdout, stderr } = started.output();
  return {
    stderr,
    stdout: stdout
      .split('\n')
      .filter((line) => !line.startsWith('> ') && line !== '')
      .join('\n'),
  };
};

describe('npm start with a port that is not one', () => {
  it.each([
    [['--httpPort', 'abc'], 'error: --httpPort must be a port number from 1 to 65535: "abc"'],
    [['--httpPort=abc'], 'error: --httpPort must be a port number from 1 to 65535: "abc"'],
    [['--httpPort', '65536'], 'error: --httpPort must be a port number from 1 to 65535: "65536"'],
    [['--httpPort', '0'], 'error: --httpPort must be a port number from 1 to 65535: "0"'],
    [['--httpPort', '-1'], 'error: --httpPort must be a port number from 1 to 65535: "-1"'],
    [['--httpPort'], 'error: --httpPort needs a port number'],
    [['--lambdaPort', '8e3'], 'error: --lambdaPort must be a port number from 0 to 65535: "8e3"'],
  ])('%j: one line, exit 2, within seconds', async (args, line) => {
    const started = npmStart(args);
    const { code, ms } = await started.exited;
    expect(scriptOutput(started)).toEqual({ stderr: `${line}\n`, stdout: '' });
    expect(code).toBe(2);
    expect(ms).toBeLessThan(WITHIN_MS);
  });
});

describe('npm start on a port already in use', () => {
  it('says which port, in one line, before building: no banner, no stack, exit 1', async () => {
    const port = await freePort();
    const taken = await listenOn(port);
    try {
      const started = npmStart(['--httpPort', String(port)]);
      const { code, ms } = await started.exited;
      expect(scriptOutput(started)).toEqual({
        stderr: `error: port ${port} on 127.0.0.1 is in use: stop what listens there, or give another with npm start -- --httpPort <port>\n`,
        stdout: '',
      });
      expect(code).toBe(1);
      expect(ms).toBeLessThan(WITHIN_MS);
    } finally {
      await close(taken);
    }
  });

  it('says the same when the port is taken while it builds, holding back the banner', async () => {
    const port = await freePort();
    const started = npmStart(['--httpPort', String(port)]);
    // The build's last line: serverless-offline is about to start, and not yet listening.
    await until(() => started.output().stdout.includes('baked server_version'), 60_000, 'built');
    const taken = await listenOn(port);
    try {
      const { code } = await started.exited;
      const { stdout, stderr } = scriptOutput(started);
      expect(stderr).toBe(
        `error: port ${port} on 127.0.0.1 is in use: stop what listens there, or give another with npm start -- --httpPort <port>\n`,
      );
      expect(stdout).not.toContain('ANY  |');
      expect(stdout).not.toMatch(/^\s+at /m);
      expect(code).toBe(1);
    } finally {
      await close(taken);
    }
  }, 90_000);
});

describe('npm start stopped by a signal to the npm process alone', () => {
  /** Starts it on a free port, waits until it serves, and returns what the test needs. */
  const serving = async () => {
    const port = await freePort();
    const started = npmStart(['--httpPort', String(port)]);
    await until(
      () => `${started.output().stdout}${started.output().stderr}`.includes('Server ready:'),
      60_000,
      'ready',
    );
    expect(await answers(port)).toBe(true);
    return { port, started, group: started.npm.pid ?? 0 };
  };

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    '%s: the emulator stops and the port is free within seconds',
    async (signal, status) => {
      const { port, started, group } = await serving();
      process.kill(group, signal);
      expect(await freedWithin(port, WITHIN_MS)).toBe(true);
      const { code } = await started.exited;
      expect(code).toBe(status);
      await until(() => !groupAlive(group), WITHIN_MS, 'every process of npm start gone');
    },
    90_000,
  );

  it('SIGKILL (npm cannot pass it on): the emulator still stops and frees the port', async () => {
    const { port, group } = await serving();
    process.kill(group, 'SIGKILL');
    expect(await freedWithin(port, WITHIN_MS)).toBe(true);
    await until(() => !groupAlive(group), WITHIN_MS, 'every process of npm start gone');
  }, 90_000);
});

describe("docs/local.md's npm start examples print what they show", () => {
  const examples = consoleExamples('docs/local.md', 'start-refusals');

  it('has both examples', () => {
    expect(examples.map((example) => example.command)).toEqual([
      'npm start -- --httpPort abc',
      'npm start -- --httpPort 8009',
    ]);
  });

  it.each(examples.map((example) => [example.where, example] as const))(
    '%s',
    async (_, example) => {
      // The page's busy port 8009 is, here, a free loopback port this test takes.
      const port = await freePort();
      const taken = await listenOn(port);
      try {
        const shown = example.output.map((line) => line.replaceAll('8009', String(port)));
        const command = example.command.replaceAll('8009', String(port));
        expect(await runExample(command, environmentWithoutPolicy(), project)).toEqual(shown);
      } finally {
        await close(taken);
      }
    },
  );
});
