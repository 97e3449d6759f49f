import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Certificate } from './tls.ts';

/** How the endpoint answers the next GetParameter calls. */
export type SsmBehaviour =
  /** A parameter holding `value`, of `type` (SecureString unless given). */
  | { kind: 'value'; value: string; type?: string }
  | { kind: 'error'; status: number; type: string }
  /** A 200 whose body is `body` as sent, JSON or not: an answer the SDK cannot parse. */
  | { kind: 'malformed'; body: string }
  | { kind: 'hang' }
  /** `first` for a call's first attempt (`amz-sdk-request: attempt=1`), `retries` for the others. */
  | { kind: 'retried'; first: SsmBehaviour; retries: SsmBehaviour };

export interface SsmEndpoint {
  url: string;
  /** GetParameter calls received, with the name asked for and whether decryption was asked. */
  calls: { name: string; withDecryption: boolean; signed: boolean }[];
  behave: (behaviour: SsmBehaviour) => void;
  close: () => Promise<void>;
}

export const THROTTLED: SsmBehaviour = { kind: 'error', status: 400, type: 'ThrottlingException' };
export const NOT_FOUND: SsmBehaviour = { kind: 'error', status: 400, type: 'ParameterNotFound' };
export const DENIED: SsmBehaviour = { kind: 'error', status: 400, type: 'AccessDeniedException' };
export const SERVER_ERROR: SsmBehaviour = {
  kind: 'error',
  status: 500,
  type: 'InternalServerError',
};

/**
 * A loopback endpoint speaking SSM's JSON protocol (awsJson1_1, `X-Amz-Target:
 * AmazonSSM.GetParameter`), so that the real SDK client is exercised over HTTP, faults
 * included. Hanging requests are released when the endpoint closes.
 */
export async function startSsmEndpoint(
  initial: SsmBehaviour,
  /** Serve HTTPS with this certificate, as real SSM does; plain HTTP without. */
  tls?: { cert: string; key: string },
): Promise<SsmEndpoint> {
  let behaviour = initial;
  const calls: SsmEndpoint['calls'] = [];
  const sockets = new Set<Socket>();

  const answer = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    if (req.headers['x-amz-target'] !== 'AmazonSSM.GetParameter') {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'UnknownOperationException', message: 'unknown target' }));
      return;
    }
    const input = JSON.parse(body) as { Name: string; WithDecryption?: boolean };
    calls.push({
      name: input.Name,
      withDecryption: input.WithDecryption === true,
      signed: String(req.headers.authorization).startsWith('AWS4-HMAC-SHA256 '),
    });
    let current = behaviour;
    while (current.kind === 'retried') {
      const firstAttempt = String(req.headers['amz-sdk-request']).startsWith('attempt=1;');
      current = firstAttempt ? current.first : current.retries;
    }
    if (current.kind === 'hang') return;
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    if (current.kind === 'error') {
      res.writeHead(current.status);
      res.end(JSON.stringify({ __type: current.type, message: `${current.type} (injected)` }));
      return;
    }
    res.writeHead(200);
    if (current.kind === 'malformed') {
      res.end(current.body);
      return;
    }
    res.end(
      JSON.stringify({
        Parameter: {
          Name: input.Name,
          Type: current.type ?? 'SecureString',
          Value: current.value,
          Version: 1,
          ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${input.Name}`,
          DataType: 'text',
        },
      }),
    );
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(req, res, Buffer.concat(chunks).toString('utf8')));
  };
  const server = tls ? createTlsServer(tls, onRequest) : createServer(onRequest);
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    calls,
    behave: (next) => {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The environment a function needs to read its policy from `endpoint`, with the temporary
 * credentials Lambda gives every function (a session token included). `ttlSeconds`
 * undefined leaves the function's default TTL; `trust` is the certificate of an HTTPS
 * endpoint, trusted through NODE_EXTRA_CA_CERTS.
 */
export function ssmEnvironment(
  endpoint: SsmEndpoint,
  parameter: string,
  ttlSeconds: number | undefined,
  trust?: Certificate,
): Record<string, string> {
  return {
    ACCESS_POLICY_PARAMETER: parameter,
    ...(ttlSeconds === undefined ? {} : { ACCESS_POLICY_TTL_SECONDS: String(ttlSeconds) }),
    AWS_ENDPOINT_URL_SSM: endpoint.url,
    ...(trust ? { NODE_EXTRA_CA_CERTS: trust.certPath } : {}),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'loopback-session-token',
  };
}
