import { expect } from 'vitest';
import type { Reply } from '../../harness/local-server.ts';

// Added by the HTTP server, not by the function: Date (API Gateway sends one too) and the
// connection's own headers. Listed in the README among serverless-offline's differences.
const TRANSPORT = new Set(['date', 'connection', 'keep-alive']);

/**
 * Asserts the whole header set of an answer: exactly `expected` besides the transport
 * headers, and a Content-Length that is the byte length of the body, none on a 204.
 */
export function expectExactHeaders(reply: Reply, expected: Record<string, string>): void {
  const rest: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(reply.headers)) {
    if (!TRANSPORT.has(name) && name !== 'content-length') rest[name] = value;
  }
  expect(rest).toEqual(expected);
  const length = reply.headers['content-length'];
  if (reply.status === 204) expect(length).toBeUndefined();
  else expect(length).toBe(String(Buffer.byteLength(reply.body)));
}
