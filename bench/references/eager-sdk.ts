// Access-policy mode as most Lambda handlers read configuration: the AWS SDK imported and
// its client made at module load, the policy read by the first request that needs it
// (then cached for the TTL). The product's own code, arranged the conventional way.
import { createGuard, type Guard } from '../../handler/access/guard.ts';
import { readAccessSettings } from '../../handler/access-settings.ts';
import { readCaller, readEvent, shapeResult } from '../../handler/http-events.ts';
import { createResponder } from '../../handler/responder.ts';
import { routeOf } from '../../handler/routes.ts';
import { versionDocument } from '../../handler/version-document.ts';

const respond = createResponder(versionDocument);
const settings = readAccessSettings(process.env);
let guard: Promise<Guard> | undefined;

export async function handler(event: unknown) {
  const request = readEvent(event);
  if (!request) return versionDocument;
  if (!settings || routeOf(request.method, request.path) !== 'version')
    return shapeResult(request.format, respond(request));
  guard ??= createGuard(settings);
  const refusal = await (await guard)(readCaller(request));
  return shapeResult(request.format, respond(request, refusal));
}
