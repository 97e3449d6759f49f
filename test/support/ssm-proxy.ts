// A loopback proxy of the tests' own in front of moto_server: it passes every SSM call on
// unchanged, and lets a test act just before a given call is passed on (a competing edit
// between the command's read and its write) or answer it itself (a fault SSM would send).
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An SSM call as the proxy saw it: its operation and how many of that operation came before. */
export interface SsmCall {
  operation: string;
  /** 1 for the first call of this operation through the proxy. */
  count: number;
}

/** An answer of the test's own, in place of moto's. */
export interface SsmAnswer {
  status: number;
  body: string;
}

export type SsmHook = (call: SsmCall) => Promise<SsmAnswer | undefined> | SsmAnswer | undefined;

export interface SsmProxy {
  url: string;
  /** Every call passed through, in order, by operation (`GetParameter`, `PutParameter`). */
  calls: string[];
  close: () => Promise<void>;
}

function forward(
  target: URL,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const upstream = request(
        { host: target.hostname, port: target.port, method, path, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 502,
              headers: res.headers,
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    },
  );
}

/** Starts the proxy in front of `motoUrl`; `hook` runs before each call is passed on. */
export async function startSsmProxy(motoUrl: string, hook: SsmHook): Promise<SsmProxy> {
  const target = new URL(motoUrl);
  const calls: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      try {
        // The SDK names the operation in X-Amz-Target: `AmazonSSM.PutParameter`.
        const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSSM\./, '');
        calls.push(operation);
        const count = calls.filter((name) => name === operation).length;
        const answer = await hook({ operation, count });
        if (answer) {
          res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(answer.body);
          return;
        }
        const reply = await forward(
          target,
          req.method ?? 'POST',
          req.url ?? '/',
          req.headers,
          Buffer.concat(chunks),
        );
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body);
      } catch {
        res.writeHead(502);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
