import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/local-server.ts';
import {
  listenAddress,
  portInUse,
  portProblem,
  portTaken,
  startRefusal,
} from '../../scripts/start/ports.ts';

// What npm start decides before it builds, in this process: the port options, the address
// the emulator will take, and whether something listens there (real loopback sockets).
const listenOn = (port: number, host = '127.0.0.1'): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});
/** A project folder whose serverless.yml is `yml`. */
const rootWith = (yml: string): string => {
  const root = mkdtempSync(join(tmpdir(), 'start-root-'));
  roots.push(root);
  writeFileSync(join(root, 'serverless.yml'), yml);
  return root;
};

describe('portProblem', () => {
  it.each([
    [[], undefined],
    [['--httpPort', '1'], undefined],
    [['--httpPort', '65535'], undefined],
    [['--httpPort=8008'], undefined],
    [['--lambdaPort', '0'], undefined],
    [['--lambdaPort=0'], undefined],
    [
      ['--websocketPort', '99999'],
      '--websocketPort must be a port number from 0 to 65535: "99999"',
    ],
    [['--httpPort', 'abc'], '--httpPort must be a port number from 1 to 65535: "abc"'],
    [['--httpPort=abc'], '--httpPort must be a port number from 1 to 65535: "abc"'],
    [['--httpPort='], '--httpPort must be a port number from 1 to 65535: ""'],
    [['--httpPort', '0'], '--httpPort must be a port number from 1 to 65535: "0"'],
    [['--httpPort', '65536'], '--httpPort must be a port number from 1 to 65535: "65536"'],
    [['--httpPort', '-1'], '--httpPort must be a port number from 1 to 65535: "-1"'],
    [['--httpPort', '123456'], '--httpPort must be a port number from 1 to 65535: "123456"'],
    [['--httpPort', ' 80'], '--httpPort must be a port number from 1 to 65535: " 80"'],
    [['--httpPort', '80 '], '--httpPort must be a port number from 1 to 65535: "80 "'],
    [['--lambdaPort', '8e3'], '--lambdaPort must be a port number from 0 to 65535: "8e3"'],
    [['--lambdaPort', '-0'], '--lambdaPort must be a port number from 0 to 65535: "-0"'],
    [['--httpPort'], '--httpPort needs a port number'],
    [['--httpPort', '--host', '127.0.0.1'], '--httpPort needs a port number'],
    // A port's value is not read as an option, nor is a later bad port missed.
    [
      ['--httpPort', '8008', '--lambdaPort', 'x'],
      '--lambdaPort must be a port number from 0 to 65535: "x"',
    ],
    [
      ['--host', '127.0.0.1', '--httpPort', 'x'],
      '--httpPort must be a port number from 1 to 65535: "x"',
    ],
    [['--host', '--httpPort=x'], '--httpPort must be a port number from 1 to 65535: "x"'],
    [
      ['--httpPort=8008', '--lambdaPort', 'x'],
      '--lambdaPort must be a port number from 0 to 65535: "x"',
    ],
    // Only whole option names ending in port are port options.
    [['--httpPorts', 'x'], undefined],
    [['-httpPort', 'x'], undefined],
    [['x--httpPort', 'x'], undefined],
    [['--http-Port', 'x'], undefined],
  ] as const)('%j: %j', (args, problem) => {
    expect(portProblem([...args])).toBe(problem);
  });
});

describe('listenAddress', () => {
  it("takes serverless.yml's host and httpPort when no option gives them", () => {
    expect(listenAddress([])).toEqual({ host: '127.0.0.1', port: 8008 });
  });

  it('takes the options, the last one given, in either spelling', () => {
    expect(listenAddress(['--httpPort', '9001', '--host', '::1'])).toEqual({
      host: '::1',
      port: 9001,
    });
    expect(listenAddress(['--httpPort=9001', '--host=0.0.0.0'])).toEqual({
      host: '0.0.0.0',
      port: 9001,
    });
    expect(listenAddress(['--httpPort', '9001', '--httpPort=9002', '--httpPort', '9003'])).toEqual({
      host: '127.0.0.1',
      port: 9003,
    });
    expect(listenAddress(['--httpPort', '9001', '--httpPort=9002'])).toEqual({
      host: '127.0.0.1',
      port: 9002,
    });
  });

  it('reads no other option as the port or the host', () => {
    expect(listenAddress(['--httpPorts', '9001', '--hosts', 'x', '--lambdaPort=9'])).toEqual({
      host: '127.0.0.1',
      port: 8008,
    });
  });

  it("falls back to serverless-offline's own defaults", () => {
    expect(listenAddress([], rootWith('service: x\n'))).toEqual({ host: 'localhost', port: 3000 });
    expect(listenAddress([], rootWith('custom:\n  other: 1\n'))).toEqual({
      host: 'localhost',
      port: 3000,
    });
    expect(
      listenAddress([], rootWith('custom:\n  serverless-offline:\n    httpPort: 4000\n')),
    ).toEqual({ host: 'localhost', port: 4000 });
    expect(
      listenAddress([], rootWith('custom:\n  serverless-offline:\n    host: 0.0.0.0\n')),
    ).toEqual({ host: '0.0.0.0', port: 3000 });
  });
});

describe('portTaken', () => {
  it('is true while something listens on the port, false once it is free', async () => {
    const port = await freePort();
    const taken = await listenOn(port);
    try {
      expect(await portTaken('127.0.0.1', port)).toBe(true);
    } finally {
      await close(taken);
    }
    expect(await portTaken('127.0.0.1', port)).toBe(false);
    // The probe let go of the port: it can be listened on again.
    await close(await listenOn(port));
  });

  it('leaves other bind faults to the emulator', async () => {
    // 192.0.2.1 (TEST-NET-1) is no address of this host: EADDRNOTAVAIL, not in use.
    expect(await portTaken('192.0.2.1', await freePort())).toBe(false);
  });
});

describe('startRefusal', () => {
  it('refuses a port that is not one with exit 2, before looking at the port', async () => {
    expect(await startRefusal(['--httpPort', 'abc'])).toEqual({
      line: 'error: --httpPort must be a port number from 1 to 65535: "abc"',
      status: 2,
    });
  });

  it('refuses a port in use with exit 1, naming it and its host', async () => {
    const port = await freePort();
    const taken = await listenOn(port);
    try {
      const line = `error: port ${port} on 127.0.0.1 is in use: stop what listens there, or give another with npm start -- --httpPort <port>`;
      expect(portInUse('127.0.0.1', port)).toBe(line);
      expect(await startRefusal(['--httpPort', String(port)])).toEqual({ line, status: 1 });
      // --help serves nothing, so it may run whatever listens.
      expect(await startRefusal(['--httpPort', String(port), '--help'])).toBeUndefined();
      expect(await startRefusal(['-h', '--httpPort', String(port)])).toBeUndefined();
    } finally {
      await close(taken);
    }
  });

  it('lets a free port start', async () => {
    expect(await startRefusal(['--httpPort', String(await freePort())])).toBeUndefined();
  });

  it("looks at the port of the root's serverless.yml", async () => {
    const port = await freePort();
    const taken = await listenOn(port);
    try {
      const root = rootWith(
        `custom:\n  serverless-offline:\n    host: 127.0.0.1\n    httpPort: ${port}\n`,
      );
      expect(await startRefusal([], root)).toEqual({
        line: portInUse('127.0.0.1', port),
        status: 1,
      });
    } finally {
      await close(taken);
    }
  });
});
