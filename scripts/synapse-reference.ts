// How Synapse answers (its VersionServlet, OptionsResource, set_cors_headers,
// respond_with_json and health resource), written out from Synapse's behaviour rather than
// imported from the handler, so that a fault in the handler's own header sets cannot slip
// into what `npm run smoke` and the tests expect.

export const VERSION_PATH = '/_synapse/admin/v1/server_version';

/** The CORS headers set_cors_headers adds to every answer but /health. */
const cors = (): Record<string, string> => ({
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'X-Requested-With, Content-Type, Authorization, Date',
  'access-control-expose-headers': 'Synapse-Trace-Id, Server',
});

/**
 * The `Server` header: Synapse's, with the version; without a version, the bare product
 * name that a locked endpoint gives every caller it has not admitted.
 */
const server = (version?: string): string =>
  version === undefined ? 'Synapse' : `Synapse/${version}`;

/** Every header of a JSON answer (errors too), by lower-case name. */
export const synapseJsonHeaders = (version?: string): Record<string, string> => ({
  'content-type': 'application/json',
  'cache-control': 'no-cache, no-store, must-revalidate',
  ...cors(),
  server: server(version),
});

/** Every header of the 204 that answers OPTIONS on any path. */
export const synapsePreflightHeaders = (version?: string): Record<string, string> => ({
  ...cors(),
  server: server(version),
});

/** Every header of `GET /health`. */
export const synapseHealthHeaders = (version?: string): Record<string, string> => ({
  'content-type': 'text/plain',
  server: server(version),
});

export const UNRECOGNIZED = '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}';
export const MISSING_TOKEN = '{"errcode":"M_MISSING_TOKEN","error":"Missing access token"}';
export const UNKNOWN_TOKEN =
  '{"errcode":"M_UNKNOWN_TOKEN","error":"Invalid access token passed.","soft_logout":false}';
export const FORBIDDEN = '{"errcode":"M_FORBIDDEN","error":"You are not a server admin"}';

/** The preflight a browser sends before a cross-origin fetch with a token. */
export const BROWSER_PREFLIGHT = {
  origin: 'https://admin.example.net',
  'access-control-request-method': 'GET',
  'access-control-request-headers': 'authorization',
  accept: '*/*',
  'sec-fetch-mode': 'cors',
  'sec-fetch-site': 'cross-site',
  'sec-fetch-dest': 'empty',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0.0.0',
};
