import type { Guard } from './access/guard.ts';
import { readAccessSettings } from './access-settings.ts';
import {
  type Arrival,
  type LambdaResult,
  readCaller,
  readEvent,
  shapeResult,
} from './front-doors.ts';
import { createResponder, internalError, isVersionRead } from './responder.ts';
import { type VersionDocument, versionDocument } from './version-document.ts';

const respond = createResponder(versionDocument);

// Open mode (no ACCESS_POLICY_PARAMETER) never loads the policy code or the AWS SDK: the
// import below is a separate chunk, fetched only when a policy is configured. It starts at
// module load, during the function's init, but is not awaited there: a top-level await
// would stop `require()` of the bundle (`osls invoke local` loads handlers that way).
const accessSettings = readAccessSettings(process.env);
const guard: Promise<Guard> | undefined = accessSettings
  ? import('./access/guard.ts').then(
      ({ createGuard }) => createGuard(accessSettings),
      (error: unknown) => {
        console.error('loading the access-policy code failed; refusing reads', error);
        return async () => 'unavailable' as const;
      },
    )
  : undefined;

/**
 * Lambda entry point: translates the event, asks the responder, shapes the result.
 * A direct invocation (`aws lambda invoke`, `sam local invoke` with no event) gets the
 * version document itself.
 */
export async function handler(event: unknown): Promise<LambdaResult | VersionDocument> {
  let arrival: Arrival | undefined;
  try {
    arrival = readEvent(event);
    if (!arrival) return versionDocument;
    const refusal =
      guard && isVersionRead(arrival) ? await (await guard)(readCaller(arrival)) : undefined;
    return shapeResult(arrival.door, respond(arrival, refusal));
  } catch (error) {
    // Never the event: it may hold an Authorization header.
    console.error('answering a request failed', error);
    const answer = internalError(`Synapse/${versionDocument.server_version}`);
    return shapeResult(arrival?.door ?? 'payload-2.0', answer);
  }
}
