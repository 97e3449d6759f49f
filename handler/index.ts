import { type Arrival, type LambdaResult, readEvent, shapeResult } from './front-doors.ts';
import { createResponder, internalError } from './responder.ts';
import { type VersionDocument, versionDocument } from './version-document.ts';

const respond = createResponder(versionDocument);

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
    return shapeResult(arrival.door, respond(arrival.request));
  } catch (error) {
    // Never the event: it may hold an Authorization header.
    console.error('answering a request failed', error);
    const answer = internalError(`Synapse/${versionDocument.server_version}`);
    return shapeResult(arrival?.door ?? 'payload-2.0', answer);
  }
}
