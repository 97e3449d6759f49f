import { describe, expect, it } from 'vitest';
import { createResponder } from '../../handler/responder.ts';
import { ROUTES } from '../../handler/routes.ts';

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
