import { describe, expect, it } from 'vitest';
import { createResponder } from '../../handler/responder.ts';
import { ROUTES, routeOf } from '../../handler/routes.ts';

// The handler's own route table; test/infra/routes.test.ts holds both infra files to it.
describe('ROUTES', () => {
  it('holds exactly the paths the responder answers itself: every other path is its 404', () => {
    const respond = createResponder({ server_version: '1.140.0' });
    for (const path of ROUTES) expect(respond({ method: 'GET', path }).status).toBe(200);
    for (const path of ['/', '/_synapse/admin/v1/server_versions', '/healthz']) {
      expect(respond({ method: 'GET', path }).status).toBe(404);
    }
    expect(ROUTES).toHaveLength(2);
  });
});

describe('routeOf', () => {
  const VERSION = '/_synapse/admin/v1/server_version';

  it('marks only reads of the version route as needing admission', () => {
    expect(routeOf('GET', VERSION)).toBe('version');
    expect(routeOf('HEAD', VERSION)).toBe('version');
    expect(routeOf('OPTIONS', VERSION)).toBe('preflight');
    expect(routeOf('POST', VERSION)).toBe('not-allowed');
    expect(routeOf('GET', '/health')).toBe('health');
    expect(routeOf('GET', `${VERSION}/`)).toBe('not-found');
  });

  it('routes a preflight before its path, and a method on /health as on the version', () => {
    expect(routeOf('OPTIONS', '/anything/else')).toBe('preflight');
    expect(routeOf('HEAD', '/health')).toBe('health');
    expect(routeOf('PUT', '/health')).toBe('not-allowed');
    expect(routeOf('get', VERSION)).toBe('not-allowed');
    expect(routeOf('POST', '/nope')).toBe('not-found');
  });
});
