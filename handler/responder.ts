import type { PolicyRefusal } from './access/caller.ts';
import { POLICY_RETRY_SECONDS } from './access-settings.ts';
import { type Route, routeOf } from './routes.ts';
import { type HeaderSet, healthHeaders, jsonHeaders, preflightHeaders } from './synapse-headers.ts';
import type { VersionDocument } from './version-document.ts';

/** What the responder needs of a request, whichever event format it came through. */
export interface HttpRequest {
  method: string;
  path: string;
}

export interface HttpAnswer {
  status: number;
  headers: HeaderSet;
  body: string;
}

/**
 * Why a request is turned away: the access policy's refusals of a read of the version
 * route, or 'unenforceable', the function's own state when it cannot enforce its settings
 * (a setting is unusable, or the policy code did not load), which turns away everything
 * but preflights.
 */
export type Refusal = PolicyRefusal | 'unenforceable';

/**
 * Answers a request as Synapse would. `serverError` is the 500 of last resort, for a fault
 * the function did not foresee: the entry point gives it as it stands, whatever the method.
 */
export interface Responder {
  (request: HttpRequest, refusal?: Refusal): HttpAnswer;
  readonly serverError: HttpAnswer;
}

/**
 * Builds the pure function that answers a request as Synapse would. Every body and header
 * set is computed here, once, so the per-request work is a few comparisons. `locked`: an
 * access policy is configured, and only an admitted read learns the version.
 */
export function createResponder(document: Readonly<VersionDocument>, locked = false): Responder {
  const synapse = `Synapse/${document.server_version}`;
  // The `Server` header of every answer but the version itself. Open, it is Synapse's own,
  // version included. Locked, it is the product name alone: the version is what the lock
  // hides, and Synapse's header would hand it to any caller (and, with
  // `Access-Control-Expose-Headers: Server`, to any web page) on a 401, a 404 or a preflight.
  const server = locked ? 'Synapse' : synapse;
  const json = jsonHeaders(server);
  const matrix = (status: number, body: object, headers: HeaderSet = json): HttpAnswer =>
    Object.freeze({ status, headers, body: JSON.stringify(body) });

  // Admitted (or open): Synapse's whole header set, version included.
  const version = matrix(200, document, jsonHeaders(synapse));
  const health: HttpAnswer = Object.freeze({
    status: 200,
    headers: healthHeaders(server),
    body: 'OK',
  });
  const preflight: HttpAnswer = Object.freeze({
    status: 204,
    headers: preflightHeaders(server),
    body: '',
  });
  const unrecognized = { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' };
  const missing = (error: string) => matrix(401, { errcode: 'M_MISSING_TOKEN', error });
  const notFound = matrix(404, unrecognized);
  const notAllowed = matrix(405, unrecognized);
  const serverError = matrix(500, { errcode: 'M_UNKNOWN', error: 'Internal server error' });
  const refusals: Record<Refusal, HttpAnswer> = {
    // Synapse's MissingClientTokenError, with the message it gives for each case.
    'missing-token': missing('Missing access token'),
    'mixed-token-sources': missing(
      'Mixing Authorization headers and access_token query parameters.',
    ),
    'too-many-authorization-headers': missing('Too many Authorization headers.'),
    'invalid-authorization-header': missing('Invalid Authorization header.'),
    'unknown-token': matrix(401, {
      errcode: 'M_UNKNOWN_TOKEN',
      error: 'Invalid access token passed.',
      soft_logout: false,
    }),
    forbidden: matrix(403, { errcode: 'M_FORBIDDEN', error: 'You are not a server admin' }),
    unavailable: matrix(
      503,
      { errcode: 'M_UNKNOWN', error: 'Access policy unavailable' },
      Object.freeze({ ...json, 'Retry-After': String(POLICY_RETRY_SECONDS) }),
    ),
    unenforceable: serverError,
  };

  const byRoute: Record<Exclude<Route, 'preflight' | 'version'>, HttpAnswer> = {
    health,
    'not-allowed': notAllowed,
    'not-found': notFound,
  };

  const route = (request: HttpRequest, refusal: Refusal | undefined): HttpAnswer => {
    const to = routeOf(request.method, request.path);
    if (to === 'preflight') return preflight;
    // Nothing is served, /health included, so that probes see it.
    if (refusal === 'unenforceable') return serverError;
    if (to === 'version') return refusal === undefined ? version : refusals[refusal];
    return byRoute[to];
  };

  // Synapse treats HEAD as GET and drops the body: same status, same headers.
  const headOf = new Map<HttpAnswer, HttpAnswer>();
  for (const answer of [version, health, notFound, notAllowed, ...Object.values(refusals)]) {
    headOf.set(answer, Object.freeze({ ...answer, body: '' }));
  }

  const respond = (request: HttpRequest, refusal?: Refusal): HttpAnswer => {
    const answer = route(request, refusal);
    return request.method === 'HEAD' ? (headOf.get(answer) ?? answer) : answer;
  };
  return Object.assign(respond, { serverError });
}
