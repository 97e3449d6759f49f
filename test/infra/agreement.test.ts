import { describe, expect, it } from 'vitest';
import * as entry from '../../handler/index.ts';
import { ROUTES } from '../../handler/routes.ts';
import { readSamTemplate, readServerlessYml } from './templates.ts';

const sls = readServerlessYml();
const sam = readSamTemplate();
const samFunction = sam.Resources.VersionFunction.Properties;
const slsFunction = sls.functions.version;

// The fields API Gateway's access log must record, so the function need not.
const ACCESS_LOG_FIELDS = [
  '$context.httpMethod',
  '$context.path',
  '$context.status',
  '$context.responseLatency',
  '$context.identity.sourceIp',
  '$context.identity.userAgent',
  '$context.requestId',
];

describe('serverless.yml and infra/template.yaml agree', () => {
  it('on runtime, architecture, memory and a short timeout', () => {
    expect(sls.provider.runtime).toBe('nodejs24.x');
    expect(samFunction.Runtime).toBe(sls.provider.runtime);
    expect(sls.provider.architecture).toBe('arm64');
    expect(samFunction.Architectures).toEqual([sls.provider.architecture]);
    expect(samFunction.MemorySize).toBe(sls.provider.memorySize);
    expect(samFunction.Timeout).toBe(sls.provider.timeout);
    expect(sls.provider.timeout).toBeLessThanOrEqual(10);
  });

  it('on the handler, deployed from the same dist/', () => {
    expect(samFunction.CodeUri).toBe('../dist');
    expect(sls.package.patterns).toEqual(['!**', 'dist/**']);
    expect(slsFunction.handler).toBe(`dist/${samFunction.Handler}`);
    const exportName = String(samFunction.Handler).split('.').pop() ?? '';
    expect(typeof (entry as Record<string, unknown>)[exportName]).toBe('function');
  });

  it("on the routes, which are the handler's own plus a catch-all", () => {
    const slsRoutes = (slsFunction.events as { httpApi: unknown }[]).map(({ httpApi }) =>
      typeof httpApi === 'string' ? httpApi : (httpApi as { method: string; path: string }),
    );
    expect(slsRoutes).toEqual([...ROUTES.map((path) => ({ method: '*', path })), '*']);

    const samEvents = Object.values(samFunction.Events) as {
      Type: string;
      Properties: Record<string, unknown>;
    }[];
    expect(samEvents.every((event) => event.Type === 'HttpApi')).toBe(true);
    for (const event of samEvents) expect(event.Properties.ApiId).toEqual({ Ref: 'HttpApi' });
    const routed = samEvents.filter((event) => 'Path' in event.Properties);
    expect(routed.map((event) => [event.Properties.Method, event.Properties.Path])).toEqual(
      ROUTES.map((path) => ['ANY', path]),
    );
    // An HttpApi event with neither Path nor Method is SAM's $default route.
    const catchAll = samEvents.filter((event) => !('Path' in event.Properties));
    expect(catchAll).toHaveLength(1);
    expect(catchAll[0]?.Properties).not.toHaveProperty('Method');
  });

  it('on JSON function logs that keep only warnings and errors', () => {
    expect(sls.provider.logs.lambda).toMatchObject({
      logFormat: 'JSON',
      applicationLogLevel: 'WARN',
    });
    expect(samFunction.LoggingConfig).toMatchObject({
      LogFormat: 'JSON',
      ApplicationLogLevel: 'WARN',
    });
  });

  it('on the same gateway access log, with every field an operator needs', () => {
    const slsFormat = sls.provider.logs.httpApi.format as string;
    const samFormat = sam.Resources.HttpApi.Properties.AccessLogSettings.Format as string;
    expect(samFormat).toBe(slsFormat);
    const fields = Object.values(JSON.parse(slsFormat) as Record<string, string>);
    expect(fields).toEqual(expect.arrayContaining(ACCESS_LOG_FIELDS));
    expect(slsFormat).not.toMatch(/authorization/i);
  });

  it('on an HTTP API at the root of its host, answering preflights through the function', () => {
    expect(sls.provider.httpApi?.cors).toBeUndefined();
    const api = sam.Resources.HttpApi;
    expect(api.Type).toBe('AWS::Serverless::HttpApi');
    expect(api.Properties).not.toHaveProperty('CorsConfiguration');
    // No StageName: SAM serves the $default stage, with no stage prefix in the URL.
    expect(api.Properties).not.toHaveProperty('StageName');
    expect(sls.provider.apiGateway).toBeUndefined();
  });
});
