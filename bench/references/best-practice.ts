// Access-policy mode as AWS's guidance for Lambda would have it: the AWS SDK imported at
// load and the policy read during the init with a top-level await, so that the read runs at
// full CPU before the first invoke. The product's own code, without its trims of the SDK.
import { createGuard } from '../../handler/access/guard.ts';
import { readAccessSettings } from '../../handler/access-settings.ts';
import { readCaller, readEvent, shapeResult } from '../../handler/http-events.ts';
import { createResponder } from '../../handler/responder.ts';
import { routeOf } from '../../handler/routes.ts';
import { versionDocument } from '../../handler/version-document.ts';

const respond = createResponder(versionDocument);
const settings = readAccessSettings(process.env);
const guard = settings ? await createGuard(settings) : undefined;

export async function handler(event: unknown) {
  const request = readEvent(event);
  if (!request) return versionDocument;
  if (!guard || routeOf(request.method, request.path) !== 'version')
    return shapeResult(request.format, respond(request));
  return shapeResult(request.format, respond(request, await guard(readCaller(request))));
}
