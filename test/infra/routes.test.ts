import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../handler/routes.ts';
import { readSamTemplate, readServerlessYml } from './templates.ts';

// The handler's own route table (test/unit/routes.test.ts) is what both infra files route
// to it, beside a catch-all.
describe('ROUTES', () => {
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
    const events = Object.values(
      readSamTemplate().Resources.VersionLambdaFunction.Properties.Events,
    ) as {
      Properties: { Path?: string };
    }[];
    const paths = events.map((e) => e.Properties.Path).filter((path) => path !== undefined);
    expect(paths).toEqual(ROUTES);
  });
});
