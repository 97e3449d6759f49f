import { describe, expect, it } from 'vitest';
import { HEALTH_PATH, ROUTES, VERSION_PATH } from '../../handler/routes.ts';
import { readSamTemplate, readServerlessYml } from '../infra/templates.ts';

// The handler's own route table is what both infra files route to it, beside a catch-all.
describe('ROUTES', () => {
  it('is the version route and /health', () => {
    expect(ROUTES).toEqual([VERSION_PATH, HEALTH_PATH]);
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
