// What the handler must answer to an event, worked out from the event formats AWS documents
// and Synapse's answer table, independently of handler/http-events.ts and responder.ts: a
// fault there cannot be copied into the expectation.
import { VERSION_PATH } from '../../scripts/synapse-reference.ts';

type Loose = Record<string, unknown>;

export interface ExpectedHttp {
  kind: 'http';
  method: string;
  /** The status in open mode, from Synapse's table. */
  openStatus: number;
  /** A read of the version route, which an access policy decides on. */
  versionRead: boolean;
  /** The address the gateway saw, where the event format has one. */
  sourceIp: string | undefined;
  /** An Origin header in either map: a web page, which no address admits. */
  fromPage: boolean;
  /** An ALB target that sent multi-value headers gets them back. */
  multiValue: boolean;
}

export type Expected = { kind: 'direct' } | ExpectedHttp;

const isObject = (v: unknown): v is Loose =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** True when either header map names an Origin, whatever its value: a web page. */
function hasOrigin(event: Loose): boolean {
  return [event.headers, event.multiValueHeaders].some(
    (headers) =>
      isObject(headers) && Object.keys(headers).some((name) => name.toLowerCase() === 'origin'),
  );
}

export function expectedFor(event: unknown): Expected {
  if (!isObject(event)) return { kind: 'direct' };
  const context = isObject(event.requestContext) ? event.requestContext : undefined;
  let method: string;
  let path: string;
  let sourceIp: string | undefined;
  let multiValue = false;
  if (context && isObject(context.elb)) {
    // ALB: httpMethod and path at the top; no trusted peer address.
    method = str(event.httpMethod);
    path = str(event.path);
    multiValue = isObject(event.multiValueHeaders);
  } else if (context && isObject(context.http)) {
    // Payload 2.0 (HTTP API, function URL): requestContext.http, rawPath (or, without it,
    // http.path). `version: "2.0"` alone is no mark: VPC Lattice's events carry it too.
    const http = context.http;
    method = str(http.method);
    path = typeof event.rawPath === 'string' ? event.rawPath : str(http.path);
    sourceIp = str(http.sourceIp) || undefined;
  } else if ('httpMethod' in event) {
    // Payload 1.0: httpMethod and the stage-less path; requestContext.identity.
    method = str(event.httpMethod);
    path = str(event.path);
    const identity = context && isObject(context.identity) ? context.identity : {};
    sourceIp = str(identity.sourceIp) || undefined;
  } else {
    return { kind: 'direct' };
  }
  const read = method === 'GET' || method === 'HEAD';
  let openStatus: number;
  if (method === 'OPTIONS') openStatus = 204;
  else if (path === VERSION_PATH || path === '/health') openStatus = read ? 200 : 405;
  else openStatus = 404;
  return {
    kind: 'http',
    method,
    openStatus,
    versionRead: read && path === VERSION_PATH,
    sourceIp,
    fromPage: hasOrigin(event),
    multiValue,
  };
}
