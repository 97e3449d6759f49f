import type { Guard } from './access/guard.ts';
import { type AccessSettings, readAccessSettings } from './access-settings.ts';
import {
  type Arrival,
  type LambdaResult,
  readCaller,
  readEvent,
  shapeResult,
} from './front-doors.ts';
import { createResponder, internalError, isVersionRead, type Refusal } from './responder.ts';
import { type VersionDocument, versionDocument } from './version-document.ts';

const respond = createResponder(versionDocument);

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

/**
 * Loads the policy code (a chunk of its own, with the AWS SDK) and completes the first
 * read of the policy. Awaited at the top level, so that the work happens in Lambda's init,
 * at full CPU, rather than in the first invoke; the read is bounded (2.5 s), far inside
 * the init's 10 seconds. Open mode never gets here and never loads the chunk.
 */
async function loadGuard(settings: AccessSettings): Promise<Guard> {
  try {
    const { createGuard } = await import('./access/guard.ts');
    return await createGuard(settings);
  } catch (error) {
    console.error('loading the access-policy code failed; refusing reads', error);
    return async () => 'unavailable';
  }
}
const guard: Guard | undefined = accessSettings ? await loadGuard(accessSettings) : undefined;

/**
 * Lambda entry point: translates the event, asks the responder, shapes the result.
 * A direct invocation (`aws lambda invoke`, `sam local invoke` with no event) gets the
 * version document itself, or, with an unusable setting, an error naming it.
 */
export async function handler(event: unknown): Promise<LambdaResult | VersionDocument> {
  let arrival: Arrival | undefined;
  try {
    arrival = readEvent(event);
    if (arrival) {
      // Open mode's path is synchronous: no guard, nothing to await. A guard exists only
      // when the settings were usable.
      let refusal: Refusal | undefined;
      if (misconfiguration !== undefined) refusal = 'misconfigured';
      else if (guard && isVersionRead(arrival)) refusal = await guard(readCaller(arrival));
      return shapeResult(arrival.door, respond(arrival, refusal));
    }
  } catch (error) {
    // Never the event: it may hold an Authorization header.
    console.error('answering a request failed', error);
    const fault = internalError(`Synapse/${versionDocument.server_version}`);
    return shapeResult(arrival?.door ?? 'payload-2.0', fault);
  }
  if (misconfiguration !== undefined) throw new Error(misconfiguration);
  return versionDocument;
}
