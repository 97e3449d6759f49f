// Synapse's `set_cors_headers`: sent on every JSON answer and on OPTIONS preflights.
// Allow-Headers lists Authorization, which is what lets a browser client send a token.
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'X-Requested-With, Content-Type, Authorization, Date',
  'Access-Control-Expose-Headers': 'Synapse-Trace-Id, Server',
} as const;

export type HeaderSet = Readonly<Record<string, string>>;

/** Headers of every JSON answer, as `respond_with_json` sends them. */
export function jsonHeaders(server: string): HeaderSet {
  return Object.freeze({
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    ...CORS_HEADERS,
    Server: server,
  });
}

/** Headers of the 204 that Synapse's OptionsResource sends for any path. */
export function preflightHeaders(server: string): HeaderSet {
  return Object.freeze({ 'Content-Length': '0', ...CORS_HEADERS, Server: server });
}

/** `/health` is a plain Twisted resource: text, no CORS, no cache directives. */
export function healthHeaders(server: string): HeaderSet {
  return Object.freeze({ 'Content-Type': 'text/plain', Server: server });
}
