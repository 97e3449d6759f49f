import { describe, expect, it } from 'vitest';
import { createResponder } from '../../handler/responder.ts';
import { ROUTES } from '../../handler/routes.ts';
import { readSamTemplate, readServerlessYml } from './templates.ts';

// The handler's own route table is what both infra files route to it, beside a catch-all.
describe('ROUTES', () => {
  it('holds exactly the paths the responder answers itself: every other path is its 404', () => {
    const respond = createResponder({ server_version: '1.140.0' });
    for (const path of ROUTES) expect(respond({ method: 'GET', path }).status).toBe(200);
    for (const path of ['/', '/_synapse/admin/v1/server_versions', '/healthz']) {
      expect(respond({ method: 'GET', path }).status).toBe(404);
    }
    expect(ROUTES).toHaveLength(2);
  });

  it('is what serverless.yml routes by path', () => {
    const events = readServerlessYml().functions.version.events as { httpApi: unknown }[];
    const paths = events
      .map(({ httpApi }) =>
        typeof httpApi === 'object' ? (httpApi as { path: string }).path : undefined,
      )
      .filter((path) => path !== undefined);
    expect(paths).toEqual(ROUTES);
  });

  it('is what infra/template.yaml routes by path', () => {
    const events = Object.values(readSamTemplate().Resources.VersionFunction.Properties.Events) as {
      Properties: { Path?: string };
    }[];
    const paths = events.map((e) => e.Properties.Path).filter((path) => path !== undefined);
    expect(paths).toEqual(ROUTES);
  });
});
