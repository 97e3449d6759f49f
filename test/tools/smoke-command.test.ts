import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, smoke } from '../../scripts/smoke.ts';
import { type DifferingServer, startDifferingServer } from '../support/differing-server.ts';
import { runMain } from '../support/run-main.ts';

// `npm run smoke` against servers of the tests' own, without `npm start`: the command line,
// and how a difference is reported.
const smokeCommand = (args: string[]) => runMain((a, output) => main(a, output, {}), args);

let differing: DifferingServer;
beforeAll(async () => {
  differing = await startDifferingServer('9.9.9');
});
afterAll(async () => {
  await differing?.close();
});

describe('npm run smoke, its command line', () => {
  it.each([['xhttps://a.example'], ['ftp://a.example'], ['https:/a.example']])(
    'refuses %s: only an http or https URL',
    async (url) => {
      expect(await smokeCommand([url])).toEqual({
        code: 2,
        out: [],
        err: [
          'error: give one base URL, such as https://matrix-admin.example.org (--help for usage)',
        ],
      });
    },
  );

  it('checks against --expect-version rather than the local dist/', async () => {
    const run = await smokeCommand([differing.baseUrl, '--expect-version', '9.9.9']);
    expect(run.out).toContain('ok   server_version is "9.9.9"');
    expect(run.code).toBe(1);
  });
});

describe('npm run smoke, its report', () => {
  it('quotes at most 200 characters of a body that differs', async () => {
    const body = `${'a'.repeat(200)}${'b'.repeat(100)}`;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(body.length) });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const failures = await smoke(`http://127.0.0.1:${port}`, '1.0.0', { print: () => {} });
      expect(failures[0]).toContain(`body "${'a'.repeat(200)}", expected`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
