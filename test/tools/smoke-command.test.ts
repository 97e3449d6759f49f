import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('npm run smoke --token-file, refused in one line before any request', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoke-token-files-'));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  // A server that counts what reaches it: a refused command line sends nothing.
  let requests = 0;
  const counting = createServer((_req, res) => {
    requests += 1;
    res.end();
  });
  beforeAll(() => new Promise<void>((resolve) => counting.listen(0, '127.0.0.1', resolve)));
  afterAll(async () => {
    await new Promise<void>((resolve) => counting.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });
  const refusal = async (extra: string[]) => {
    const { port } = counting.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    return smokeCommand([url, '--expect-version', '1.0.0', ...extra]);
  };

  it.each([
    ['a file that is not there', () => join(dir, 'absent.token'), 'cannot be read: ENOENT'],
    ['a folder', () => dir, 'cannot be read: EISDIR'],
    ['an empty file', () => file('empty.token', '\n'), 'is empty'],
    [
      'two tokens',
      () => file('two.token', 'svt_first-secret\nsvt_second-secret\n'),
      'holds more than one token (blanks inside)',
    ],
  ])('refuses %s, quoting nothing it holds', async (_, path, fault) => {
    const given = path();
    const run = await refusal(['--token-file', given]);
    expect(run).toEqual({
      code: 2,
      out: [],
      err: [`error: --token-file ${JSON.stringify(given)} ${fault} (--help for usage)`],
    });
    expect(requests).toBe(0);
  });

  it('refuses --token and --token-file together', async () => {
    const run = await refusal(['--token', 'svt_x', '--token-file', file('one.token', 'svt_y')]);
    expect(run).toEqual({
      code: 2,
      out: [],
      err: ['error: give --token-file or --token, not both (--help for usage)'],
    });
    expect(requests).toBe(0);
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
