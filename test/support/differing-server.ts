import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A server that answers the version route almost as Synapse does, but not quite: another
// version, hapi's `; charset=utf-8` on /health and on errors, a 200 to preflights with
// credentials allowed, and no 404 for a trailing slash. What `npm run smoke` and the
// blackbox modules must catch.
export interface DifferingServer {
  baseUrl: string;
  close: () => Promise<void>;
}

export async function startDifferingServer(version = '9.9.9'): Promise<DifferingServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'OPTIONS') {
      res.writeHead(200, {
        'access-control-allow-origin': String(req.headers.origin ?? '*'),
        'access-control-allow-credentials': 'true',
        'access-control-allow-headers': 'authorization',
      });
      res.end();
      return;
    }
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('OK');
      return;
    }
    const known = path.replace(/\/$/, '') === '/_synapse/admin/v1/server_version';
    res.writeHead(known ? 200 : 404, {
      'content-type': known ? 'application/json' : 'application/json; charset=utf-8',
      'access-control-allow-origin': '*',
      server: `Synapse/${version}`,
    });
    res.end(
      known
        ? JSON.stringify({ server_version: version })
        : '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
