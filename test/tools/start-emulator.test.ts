import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/project-root.ts';
import { HeldOutput, type Sink, signalled, startSteps } from '../../scripts/start/emulator.ts';

// What npm start runs, and how it holds serverless-offline's output until the emulator is
// ready, in this process: the supervisor that spawns it is test/tools/start-command.test.ts's.

/** A stream that keeps what is written to it, in order. */
const sink = (): Sink & { written: string[] } => {
  const written: string[] = [];
  return { written, write: (chunk: Buffer) => written.push(chunk.toString()) };
};
const bytes = (text: string) => Buffer.from(text);

describe('startSteps', () => {
  it('builds with scripts/build.ts, then runs serverless offline start with every option', () => {
    const steps = startSteps(['--httpPort', '9001', '--noTimeout']);
    expect(steps).toEqual({
      build: [join(projectRoot, 'scripts/build.ts')],
      serve: [
        join(projectRoot, 'node_modules/serverless/bin/serverless.js'),
        'offline',
        'start',
        '--httpPort',
        '9001',
        '--noTimeout',
      ],
    });
    expect(existsSync(steps.build[0] ?? '')).toBe(true);
    expect(existsSync(steps.serve[0] ?? '')).toBe(true);
    expect(startSteps([], '/elsewhere').serve).toEqual([
      '/elsewhere/node_modules/serverless/bin/serverless.js',
      'offline',
      'start',
    ]);
  });
});

describe('signalled', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGKILL', 137],
    ['SIGHUP', 129],
  ] as const)('%s: %i, as a shell reports it', (signal, status) => {
    expect(signalled(signal)).toBe(status);
  });
});

describe('HeldOutput', () => {
  it("holds everything until 'Server ready:', then passes it on in order, each to its stream", () => {
    const [out, err] = [sink(), sink()];
    const output = new HeldOutput();
    output.take(out, bytes('ANY  | /\n'));
    output.take(err, bytes('warning\n'));
    output.take(out, bytes('Server rea'));
    expect([out.written, err.written, output.ready]).toEqual([[], [], false]);
    // The words may come split across chunks.
    output.take(out, bytes('dy: http://127.0.0.1:8008\n'));
    expect(output.ready).toBe(true);
    expect(out.written).toEqual(['ANY  | /\n', 'Server rea', 'dy: http://127.0.0.1:8008\n']);
    expect(err.written).toEqual(['warning\n']);
    output.take(err, bytes('later\n'));
    output.take(out, bytes('GET /\n'));
    expect(err.written).toEqual(['warning\n', 'later\n']);
    expect(out.written.at(-1)).toBe('GET /\n');
    expect(output.exited()).toBeUndefined();
    expect(err.written).toHaveLength(2);
  });

  it('once ready, has nothing to add at exit, though a port was in use before', () => {
    const err = sink();
    const output = new HeldOutput();
    // Another of its servers (a websocket port) may fail while the HTTP one serves.
    output.take(err, bytes('EADDRINUSE: address already in use 127.0.0.1:9\n'));
    output.take(err, bytes('Server ready: http://127.0.0.1:8008\n'));
    expect(output.exited()).toBeUndefined();
    expect(err.written).toHaveLength(2);
  });

  it('on an exit before it was ready for a port in use: one line naming it, the rest dropped', () => {
    const [out, err] = [sink(), sink()];
    const output = new HeldOutput();
    output.take(out, bytes('ANY  | /\n'));
    output.take(err, bytes('Error: listen EADDRINUSE: address already in use 127.0.0.1:9001\n'));
    output.take(err, bytes('    at Server.setupListenHandle\n'));
    expect(output.exited()).toBe(
      'error: port 9001 on 127.0.0.1 is in use: stop what listens there, or give another with npm start -- --httpPort <port>',
    );
    expect([out.written, err.written]).toEqual([[], []]);
  });

  it('names an IPv6 address as the emulator gave it', () => {
    const output = new HeldOutput();
    output.take(sink(), bytes('EADDRINUSE: address already in use ::1:8008'));
    expect(output.exited()).toBe(
      'error: port 8008 on ::1 is in use: stop what listens there, or give another with npm start -- --httpPort <port>',
    );
  });

  it('on any other exit before it was ready: passes on all it held, as it came', () => {
    const [out, err] = [sink(), sink()];
    const output = new HeldOutput();
    output.take(out, bytes('ANY  | /\n'));
    output.take(err, bytes('Error: listen EACCES: permission denied 127.0.0.1:80\n'));
    output.take(out, bytes('bye\n'));
    expect(output.exited()).toBeUndefined();
    expect(out.written).toEqual(['ANY  | /\n', 'bye\n']);
    expect(err.written).toEqual(['Error: listen EACCES: permission denied 127.0.0.1:80\n']);
  });
});
