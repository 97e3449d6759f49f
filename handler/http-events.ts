import type {
  ALBResult,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { Caller } from './access/caller.ts';
import type { HttpAnswer, HttpRequest } from './responder.ts';

/**
 * The event formats that reach the function over HTTP. Each gets its answer back in the
 * format it requires; an ALB target that sent multi-value headers must get them back.
 */
export type EventFormat = 'payload-2.0' | 'payload-1.0' | 'alb' | 'alb-multi-value';

/**
 * A request as the responder sees it, with where it came from. The event is kept so that
 * the caller's credentials are read from it only when a policy asks (`readCaller`).
 */
export interface EventRequest extends HttpRequest {
  format: EventFormat;
  event: Loose;
  context: Loose | undefined;
}

type Loose = Record<string, unknown>;

// Events come from outside the type system: every field is checked before it is used,
// so that a malformed event is answered (404/405) rather than thrown on.
const record = (value: unknown): Loose | undefined =>
  typeof value === 'object' &&
  // Stryker disable next-line ConditionalExpression: every caller also guards against null (optional chaining or a falsy test), so letting null through changes no answer
  value !== null &&
  !Array.isArray(value)
    ? (value as Loose)
    : undefined;
const text = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : // Stryker disable next-line StringLiteral: any text that is no method, path, token or address is answered alike (404, 405, a missing token), so the placeholder's spelling changes no answer
      '';

/** Every value of a header, whatever the case its name was sent in (`name` lower case). */
function headerValues(headers: Loose | undefined, name: string): string[] {
  const values: string[] = [];
  if (!headers) return values;
  for (const [sent, value] of Object.entries(headers)) {
    if (sent.toLowerCase() !== name) continue;
    if (Array.isArray(value)) {
      for (const item of value) values.push(text(item));
    } else if (value !== null && value !== undefined) {
      values.push(text(value));
    }
  }
  return values;
}

/**
 * Every Origin value of the map the event format reads. An Origin in either map, with any
 * value, null included, marks a web page: where the maps disagree, or a value is missing,
 * the request counts as a page whose origin is `''`, which no policy lists.
 */
function originsOf(event: Loose, headers: Loose | undefined): string[] {
  const values = headerValues(headers, 'origin');
  return values.length === 0 && sentOrigin(event) ? [''] : values;
}

function sentOrigin(event: Loose): boolean {
  return [record(event.multiValueHeaders), record(event.headers)].some(
    (headers) =>
      headers !== undefined && Object.keys(headers).some((name) => name.toLowerCase() === 'origin'),
  );
}

const ACCESS_TOKEN = 'access_token';

/** The `access_token` values of a query string, decoded as a form is; undefined if none. */
function queryTokensOf(query: string): string[] | undefined {
  const values = new URLSearchParams(query).getAll(ACCESS_TOKEN);
  return values.length > 0 ? values : undefined;
}

/**
 * The `access_token` values of an event's query parameters, already decoded (API Gateway)
 * or as sent (`raw`, an ALB: it passes names and values percent-encoded, so they are put
 * back into a query string and decoded like one). The multi-value form, where present, is
 * the complete one; the single-value form holds one value per name.
 */
function parameterTokens(event: Loose, raw: boolean): string[] | undefined {
  const multi = record(event.multiValueQueryStringParameters);
  const single = record(event.queryStringParameters);
  const pairs = Object.entries(multi ?? single ?? {}).flatMap(([name, value]) =>
    // Array.from keeps a hole of an event built in-process as a value (read as ''), as
    // JSON's null is: skipping it would promote the next value to the first token.
    (Array.isArray(value) ? Array.from(value) : [value]).map((item): [string, string] => [
      name,
      text(item),
    ]),
  );
  if (raw) return queryTokensOf(pairs.map(([name, value]) => `${name}=${value}`).join('&'));
  const values = pairs.filter(([name]) => name === ACCESS_TOKEN).map(([, value]) => value);
  return values.length > 0 ? values : undefined;
}

/** Recognises an HTTP event; undefined for any other shape (a direct invocation among them). */
export function readEvent(event: unknown): EventRequest | undefined {
  const loose = record(event);
  if (!loose) return undefined;
  const context = record(loose.requestContext);
  if (record(context?.elb)) {
    const format = record(loose.multiValueHeaders) ? 'alb-multi-value' : 'alb';
    return {
      format,
      method: text(loose.httpMethod),
      path: text(loose.path),
      event: loose,
      context,
    };
  }
  // Payload 2.0 (HTTP API, function URLs) carries requestContext.http; a VPC Lattice event
  // also says `version: "2.0"` but has no such field, and is none of the formats answered
  // here. Payload 1.0 also carries a `version` ("1.0") on HTTP APIs but never on REST APIs,
  // so its mark is `httpMethod`.
  const http = record(context?.http);
  if (http) {
    const path = typeof loose.rawPath === 'string' ? loose.rawPath : text(http.path);
    return { format: 'payload-2.0', method: text(http.method), path, event: loose, context };
  }
  if ('httpMethod' in loose) {
    // `path` is the resource path without the stage; requestContext.path carries the stage.
    const method = text(loose.httpMethod);
    return { format: 'payload-1.0', method, path: text(loose.path), event: loose, context };
  }
  return undefined;
}

// Payload 1.0 and ALB events may carry both `headers` and `multiValueHeaders`; the
// multi-value form is the complete one, so it alone is read when present.
function headersOf(event: Loose): Loose | undefined {
  return record(event.multiValueHeaders) ?? record(event.headers);
}

/** The peer address a gateway reports in its request context's `part`; undefined if none. */
const sourceIpIn = (context: Loose | undefined, part: 'http' | 'identity'): string | undefined =>
  text(record(context?.[part])?.sourceIp) || undefined;

/** What the access policy is told of the caller. */
export function readCaller({ format, event, context }: EventRequest): Caller {
  switch (format) {
    case 'payload-2.0': {
      const headers = record(event.headers);
      return {
        authorization: headerValues(headers, 'authorization'),
        // rawQueryString keeps repeated names apart; queryStringParameters joins them.
        queryTokens:
          typeof event.rawQueryString === 'string'
            ? queryTokensOf(event.rawQueryString)
            : parameterTokens(event, false),
        origins: originsOf(event, headers),
        sourceIp: sourceIpIn(context, 'http'),
      };
    }
    case 'payload-1.0':
      return {
        authorization: headerValues(headersOf(event), 'authorization'),
        queryTokens: parameterTokens(event, false),
        origins: originsOf(event, headersOf(event)),
        sourceIp: sourceIpIn(context, 'identity'),
      };
    case 'alb':
    case 'alb-multi-value':
      return {
        authorization: headerValues(headersOf(event), 'authorization'),
        queryTokens: parameterTokens(event, true),
        origins: originsOf(event, headersOf(event)),
        // A load balancer reports its peer only in X-Forwarded-For, which a client can
        // forge when the balancer is set to preserve it: no trusted address is claimed.
        sourceIp: undefined,
      };
  }
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  204: 'No Content',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export type LambdaResult = APIGatewayProxyStructuredResultV2 | APIGatewayProxyResult | ALBResult;

/**
 * Shapes an answer the way the event format it came through requires. The result is a new
 * object each time, since local tools rewrite it (`osls invoke local` parses the body in
 * place); the header set is the responder's own, frozen, and only ever read.
 */
export function shapeResult(format: EventFormat, answer: HttpAnswer): LambdaResult {
  const { status: statusCode, headers, body } = answer;
  if (format === 'payload-2.0' || format === 'payload-1.0') {
    return { statusCode, headers, body, isBase64Encoded: false };
  }
  const statusDescription = `${statusCode} ${STATUS_TEXT[statusCode] ?? ''}`.trimEnd();
  if (format === 'alb')
    return { statusCode, statusDescription, headers, body, isBase64Encoded: false };
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) multiValueHeaders[name] = [value];
  return { statusCode, statusDescription, multiValueHeaders, body, isBase64Encoded: false };
}
