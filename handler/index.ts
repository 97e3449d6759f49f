import type { Guard } from './access/guard.ts';
import {
  type AccessSettings,
  POLICY_RETRY_SECONDS,
  readAccessSettings,
} from './access-settings.ts';
import {
  type EventRequest,
  type LambdaResult,
  readCaller,
  readEvent,
  shapeResult,
} from './http-events.ts';
import { createResponder, type Refusal } from './responder.ts';
import { routeOf } from './routes.ts';
import { type VersionDocument, versionDocument } from './version-document.ts';

// An unusable setting does not fail the init: a failed init makes API Gateway answer its
// own non-Matrix 500 and Lambda re-run the init on every request. The function starts,
// says what is wrong once, and answers every request but preflights with Synapse's 500.
let accessSettings: AccessSettings | undefined;
let misconfiguration: string | undefined;
try {
  accessSettings = readAccessSettings(process.env);
} catch (error) {
  misconfiguration = error instanceof Error ? error.message : String(error);
  console.error(`${misconfiguration}; every request is answered 500 until it is fixed`);
}

// Locked whenever a policy was asked for, usable or not: a broken lock hides the version too.
const locked = accessSettings !== undefined || misconfiguration !== undefined;
const respond = createResponder(versionDocument, locked);

/**
 * Loads the policy code (a chunk of its own, with the AWS SDK) and completes the first
 * read of the policy; undefined, logged, when the code does not load. Awaited at the top
 * level, so that the work happens in Lambda's init, at full CPU, rather than in the first
 * invoke; the read is bounded (2.5 s), far inside the init's 10 seconds. Open mode never
 * gets here and never loads the chunk.
 */
async function loadGuard(settings: AccessSettings): Promise<Guard | undefined> {
  try {
    const { createGuard } = await import('./access/guard.ts');
    return await createGuard(settings);
  } catch (error) {
    console.error('loading the access-policy code failed; answering 500 until it loads', error);
    return undefined;
  }
}
let guard: Guard | undefined = accessSettings ? await loadGuard(accessSettings) : undefined;
let nextLoad = Date.now() + POLICY_RETRY_SECONDS * 1_000;

/**
 * The guard, loading it again at most every few seconds after a failed load: a fault of
 * the moment (a file system hiccup) heals without a new instance, while a broken package
 * costs one cheap failed import per interval. A failed init would have been retried by
 * Lambda too, but answered by API Gateway's own non-Matrix 500.
 */
async function currentGuard(settings: AccessSettings): Promise<Guard | undefined> {
  if (guard || Date.now() < nextLoad) return guard;
  nextLoad = Date.now() + POLICY_RETRY_SECONDS * 1_000;
  guard = await loadGuard(settings);
  return guard;
}

/** What the function's state and the access policy say of a request in locked mode. */
async function refusalOf(request: EventRequest): Promise<Refusal | undefined> {
  if (!accessSettings) return 'unenforceable';
  const current = await currentGuard(accessSettings);
  if (!current) return 'unenforceable';
  return routeOf(request.method, request.path) === 'version'
    ? current(readCaller(request))
    : undefined;
}

/**
 * What an event of no known shape is told in locked mode. The function cannot tell a
 * direct invocation from an integration wired to it by mistake (a REST API non-proxy
 * integration passes the request body as the event), whose caller may be anyone: such an
 * event gets no version, and the invocation fails with this message and no stack.
 */
export const UNRECOGNIZED_EVENT =
  'not an HTTP event this function answers: with an access policy, only API Gateway HTTP API (payload 2.0 or 1.0), REST API proxy integration, Application Load Balancer and Lambda function URL events are answered';

function invocationError(message: string): Error {
  const error = new Error(message);
  // Lambda returns a failed invocation's stack to its caller: this one has nothing to add.
  error.stack = `Error: ${message}`;
  return error;
}

/**
 * Lambda entry point: translates the event, asks the responder, shapes the result.
 * In open mode, an event of any other shape (a direct invocation, `aws lambda invoke`)
 * gets the version document itself, which anyone may read anyway. In locked mode it
 * fails, naming the event formats answered, or naming the unusable setting.
 */
export async function handler(event: unknown): Promise<LambdaResult | VersionDocument> {
  let request: EventRequest | undefined;
  try {
    request = readEvent(event);
    if (request) {
      // Open mode's path has nothing to await: no policy, no guard.
      const refusal = locked ? await refusalOf(request) : undefined;
      return shapeResult(request.format, respond(request, refusal));
    }
  } catch (error) {
    // Never the event: it may hold an Authorization header.
    console.error('answering a request failed', error);
    return shapeResult(request?.format ?? 'payload-2.0', respond.serverError);
  }
  if (misconfiguration !== undefined) throw invocationError(misconfiguration);
  if (locked) throw invocationError(UNRECOGNIZED_EVENT);
  return versionDocument;
}
