// The paths the function answers itself. Both infra files declare exactly these plus a
// catch-all, and test/infra checks that they still agree with this table.
export const VERSION_PATH = '/_synapse/admin/v1/server_version';
export const HEALTH_PATH = '/health';
export const ROUTES: readonly string[] = [VERSION_PATH, HEALTH_PATH];

/**
 * Where a request goes, as Synapse routes it: a preflight for any path, a read (GET, or
 * HEAD, which Synapse treats as GET) of one of the routes, another method on a route
 * (405), or no route (404). `version` is the one the access policy decides on.
 */
export type Route = 'preflight' | 'version' | 'health' | 'not-allowed' | 'not-found';

/**
 * The route check, written once: the responder answers by it and the entry point asks
 * the access policy only for `version`. Routing comes first, as in Synapse, so other
 * methods still get 405 and other paths 404 whatever the policy would say.
 */
export function routeOf(method: string, path: string): Route {
  if (method === 'OPTIONS') return 'preflight';
  const read = method === 'GET' || method === 'HEAD';
  if (path === VERSION_PATH) return read ? 'version' : 'not-allowed';
  if (path === HEALTH_PATH) return read ? 'health' : 'not-allowed';
  return 'not-found';
}
