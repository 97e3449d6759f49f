import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_FAILING } from '../../handler/access/policy-cache.ts';
import * as entry from '../../handler/index.ts';
import { ROUTES } from '../../handler/routes.ts';
import { build } from '../../scripts/build.ts';
import { sharedFragments } from '../../scripts/sam-template.ts';
import { projectCopy } from '../support/project-copy.ts';
import {
  deployedResources,
  holds,
  oslsPackage,
  type Packaged,
  parameterValues,
  samTransform,
} from './cloudformation.ts';
import { asParams, MODES } from './settings.ts';
import { readSamTemplate, readServerlessYml, readShared, type Template } from './templates.ts';

// This file's own project copy: it builds dist/ there and packages that.
const project = projectCopy();

// serverless.yml and infra/template.yaml compared as the CloudFormation they become:
// `osls package` on one side, AWS's SAM transform on the other. The pieces they share come
// from infra/shared/ on both sides; what each framework generates on its own (the function,
// its role and logs, the API and its stage) and the stack parameters are compared here.
const PARAMETER = '/synapse-version/access-policy';

interface Deployment {
  template: Template;
  values: Record<string, string>;
}

const packaged: Record<string, Packaged> = {};
const transformed: Record<string, Template> = {};

beforeAll(async () => {
  await build(process.env, project);
  for (const [mode, settings] of Object.entries(MODES)) {
    // One at a time: osls keeps working state in the service directory.
    packaged[mode] = await oslsPackage(asParams(settings), project);
    transformed[mode] = await samTransform(settings);
  }
}, 180_000);
afterAll(() => {
  for (const p of Object.values(packaged)) p.remove();
});

const deployments = (): Record<string, [Deployment, Deployment]> =>
  Object.fromEntries(
    Object.entries(MODES).map(([mode, settings]) => {
      const sls = (packaged[mode] as Packaged).template;
      const sam = transformed[mode] as Template;
      return [
        mode,
        [
          { template: sls, values: parameterValues(sls) },
          { template: sam, values: parameterValues(sam, settings) },
        ],
      ];
    }),
  );

const ofType = (d: Deployment, type: string): Template[] =>
  Object.values(deployedResources(d.template, d.values)).filter((r) => r.Type === type);

const only = (d: Deployment, type: string): Template => {
  const [resource, ...others] = ofType(d, type);
  expect(others, type).toHaveLength(0);
  expect(resource, type).toBeDefined();
  return resource as Template;
};

/** Resolves Fn::If and Ref to stack parameters, as CloudFormation does at deploy time. */
function resolve(d: Deployment, node: unknown): unknown {
  if (Array.isArray(node)) return node.map((item) => resolve(d, item));
  if (typeof node !== 'object' || node === null) return node;
  const record = node as Template;
  if ('Fn::If' in record) {
    const [condition, yes, no] = record['Fn::If'];
    return resolve(d, holds(d.template, condition, d.values) ? yes : no);
  }
  if ('Ref' in record && record.Ref in d.values) return d.values[record.Ref];
  if ('Ref' in record && record.Ref === 'AWS::NoValue') return undefined;
  if ('Fn::Sub' in record && typeof record['Fn::Sub'] === 'string') {
    return {
      'Fn::Sub': (record['Fn::Sub'] as string).replace(/\$\{([A-Za-z]+)\}/g, (whole, name) =>
        name in d.values ? (d.values[name] as string) : whole,
      ),
    };
  }
  return Object.fromEntries(
    Object.entries(record)
      .map(([key, value]) => [key, resolve(d, value)])
      .filter(([, value]) => value !== undefined),
  );
}

/** The routes as `METHOD /path`, from Route resources (osls) or the OpenAPI body (SAM). */
function routes(d: Deployment): string[] {
  const keys = ofType(d, 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey as string);
  const [api] = ofType(d, 'AWS::ApiGatewayV2::Api');
  for (const [path, methods] of Object.entries((api?.Properties.Body?.paths ?? {}) as Template)) {
    for (const method of Object.keys(methods)) {
      const verb = method === 'x-amazon-apigateway-any-method' ? 'ANY' : method.toUpperCase();
      keys.push(path === '$default' ? '$default' : `${verb} ${path}`);
    }
  }
  return keys.sort();
}

/** Payload format versions of every integration the API has. */
function payloadFormats(d: Deployment): string[] {
  const formats = ofType(d, 'AWS::ApiGatewayV2::Integration').map(
    (r) => r.Properties.PayloadFormatVersion as string,
  );
  const [api] = ofType(d, 'AWS::ApiGatewayV2::Api');
  for (const methods of Object.values((api?.Properties.Body?.paths ?? {}) as Template)) {
    for (const operation of Object.values(methods as Template)) {
      formats.push((operation as Template)['x-amazon-apigateway-integration'].payloadFormatVersion);
    }
  }
  return [...new Set(formats)];
}

/** Every IAM action the function's role and attached policies allow. */
function allowedActions(d: Deployment): string[] {
  const statements = [
    ...ofType(d, 'AWS::IAM::Role').flatMap((role) =>
      (role.Properties.Policies ?? []).flatMap((p: Template) => p.PolicyDocument.Statement),
    ),
    ...ofType(d, 'AWS::IAM::Policy').flatMap((p) => p.Properties.PolicyDocument.Statement),
  ] as Template[];
  return statements.flatMap((s) => [s.Action].flat() as string[]).sort();
}

// What osls changes in the shared pieces, and nothing else: each parameter's default (the
// setting it was given) and the name of the stage the root mapping waits for.
const OSLS_OWN: Record<string, (entry: Template) => Template> = {
  Parameters: ({ Default: _default, ...rest }) => rest,
  Resources: ({ DependsOn, ...rest }) =>
    DependsOn === undefined ? rest : { ...rest, DependsOn: [DependsOn].flat().map(stage) },
};
/** `!GetAtt A.B` as osls writes it, ['A', 'B'], wherever it is. */
const getAttAsList = (node: unknown): unknown =>
  JSON.parse(
    JSON.stringify(node ?? null).replace(
      /"Fn::GetAtt":"([A-Za-z0-9]+)\.([A-Za-z0-9.]+)"/g,
      '"Fn::GetAtt":["$1","$2"]',
    ),
  );
/** The $default stage, by whichever name the framework gave it. */
const stage = (id: string): string =>
  id === 'HttpApiStage' || id === 'HttpApiApiGatewayDefaultStage' ? 'the $default stage' : id;

describe('the pieces both deployments share (infra/shared/)', () => {
  it('are each in serverless.yml, once', () => {
    const resources = readServerlessYml().resources as unknown[];
    const files = resources.filter((r): r is string => typeof r === 'string');
    expect(files.sort()).toEqual(
      sharedFragments().map((name) => `\${file(./infra/shared/${name})}`),
    );
  });

  it.each(Object.keys(MODES))(
    '%s: are in what osls packages and in infra/template.yaml as written, osls changing only its own names and the defaults',
    (mode) => {
      const sls = (packaged[mode] as Packaged).template;
      const sam = readSamTemplate();
      let entries = 0;
      for (const name of sharedFragments()) {
        for (const [section, fragmentEntries] of Object.entries(readShared(name))) {
          const own = OSLS_OWN[section] ?? ((entry: Template) => entry);
          for (const [id, entry] of Object.entries(fragmentEntries as Template)) {
            entries += 1;
            expect(sam[section][id], `${name}: ${section}.${id}`).toEqual(entry);
            expect(own(sls[section][id]), `${name}: ${section}.${id}`).toEqual(
              getAttAsList(own(entry)),
            );
          }
        }
      }
      expect(entries).toBeGreaterThan(20);
    },
  );

  it('name what each framework generates by the same logical ids', () => {
    const sls = (packaged['every setting'] as Packaged).template;
    const sam = transformed['every setting'] as Template;
    for (const [id, type] of Object.entries({
      VersionLambdaFunction: 'AWS::Lambda::Function',
      IamRoleLambdaExecution: 'AWS::IAM::Role',
      HttpApi: 'AWS::ApiGatewayV2::Api',
    })) {
      expect(sls.Resources[id]?.Type, id).toBe(type);
      expect(sam.Resources[id]?.Type, id).toBe(type);
    }
    for (const id of ['VersionLogGroup', 'HttpApiLogGroup']) {
      expect(sls.Resources[id]?.Type, id).toBe('AWS::Logs::LogGroup');
      expect(sam.Resources[id]?.Type, id).toBe('AWS::Logs::LogGroup');
    }
    // The access log group is the stage's, the function log group the function's: osls
    // names the group Lambda writes to by default; SAM points the function at it.
    for (const t of [sls, sam]) {
      const [stage] = Object.values(t.Resources as Record<string, Template>).filter(
        (r) => r.Type === 'AWS::ApiGatewayV2::Stage',
      );
      expect(stage?.Properties.AccessLogSettings.DestinationArn).toEqual({
        'Fn::GetAtt': ['HttpApiLogGroup', 'Arn'],
      });
    }
    expect(sls.Resources.VersionLogGroup.Properties.LogGroupName).toBe(
      `/aws/lambda/${sls.Resources.VersionLambdaFunction.Properties.FunctionName}`,
    );
    expect(sam.Resources.VersionLambdaFunction.Properties.LoggingConfig.LogGroup).toEqual({
      Ref: 'VersionLogGroup',
    });
  });

  it('watch the function log line the policy cache writes when a refresh fails', () => {
    const filter = readShared('alarms.yml').Resources.PolicyRefreshFailingMetric;
    expect(filter.Properties.FilterPattern).toBe(`"${REFRESH_FAILING}"`);
    expect(filter.Properties.LogGroupName).toEqual({ Ref: 'VersionLogGroup' });
  });
});

describe('the stack parameters', () => {
  it('are the same in both, with the same constraints, but for the TTL settings osls passes as the environment', () => {
    const sls = (packaged.open as Packaged).template.Parameters as Template;
    const sam = (transformed.open as Template).Parameters as Template;
    expect(
      Object.keys(sam)
        .filter((name) => !(name in sls))
        .sort(),
    ).toEqual(['AccessPolicyMaxStaleSeconds', 'AccessPolicyTtlSeconds']);
    expect(Object.keys(sls).filter((name) => !(name in sam))).toEqual([]);
    for (const [name, parameter] of Object.entries(sls)) {
      const { Default: slsDefault, ...slsConstraints } = parameter as Template;
      const { Default: samDefault, ...samConstraints } = sam[name] as Template;
      expect(slsConstraints, name).toEqual(samConstraints);
      // The same default when nothing is given, whether osls writes it as text or a number.
      expect(String(slsDefault), name).toBe(String(samDefault));
    }
  });

  it.each(Object.keys(MODES))(
    '%s: take their defaults from the settings osls is given, else the shared default',
    (mode) => {
      const sls = (packaged[mode] as Packaged).template.Parameters as Template;
      const shared = readShared('settings.yml').Parameters as Template;
      const given = MODES[mode] as Record<string, string>;
      expect(Object.keys(sls).sort()).toEqual(Object.keys(shared).sort());
      for (const name of Object.keys(shared)) {
        expect(String(sls[name].Default), name).toBe(given[name] ?? String(shared[name].Default));
      }
    },
  );
});

describe.each(Object.keys(MODES))('%s: osls package and the SAM transform agree', (mode) => {
  const pair = (): [Deployment, Deployment] => deployments()[mode] as [Deployment, Deployment];

  it('on one function: runtime, architecture, memory, timeout, JSON logs at WARN', () => {
    const [sls, sam] = pair().map((d) => only(d, 'AWS::Lambda::Function').Properties);
    const pick = (p: Template) => ({
      Runtime: p.Runtime,
      Architectures: p.Architectures,
      MemorySize: p.MemorySize,
      Timeout: p.Timeout,
      LogFormat: p.LoggingConfig.LogFormat,
      ApplicationLogLevel: p.LoggingConfig.ApplicationLogLevel,
      SystemLogLevel: p.LoggingConfig.SystemLogLevel,
    });
    expect(pick(sls as Template)).toEqual(pick(sam as Template));
    expect(pick(sls as Template)).toEqual({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 128,
      Timeout: 5,
      LogFormat: 'JSON',
      ApplicationLogLevel: 'WARN',
      SystemLogLevel: 'WARN',
    });
  });

  it('on the handler: the same export of the same dist/', () => {
    const [sls, sam] = pair().map((d) => only(d, 'AWS::Lambda::Function').Properties.Handler);
    // osls zips dist/ itself; SAM zips the contents of its CodeUri, ../dist.
    expect(sls).toBe(`dist/${sam}`);
    const exportName = String(sam).split('.').pop() ?? '';
    expect(typeof (entry as Record<string, unknown>)[exportName]).toBe('function');
  });

  it('on the environment the function gets', () => {
    // An empty Variables map and no Environment at all give the function the same.
    const [sls, sam] = pair().map(
      (d) =>
        (resolve(d, only(d, 'AWS::Lambda::Function').Properties.Environment) as Template)
          ?.Variables ?? {},
    );
    expect(sls).toEqual(sam);
    expect(sls).toEqual(
      mode === 'open'
        ? {}
        : {
            ACCESS_POLICY_PARAMETER: PARAMETER,
            ACCESS_POLICY_TTL_SECONDS: '60',
            ACCESS_POLICY_MAX_STALE_SECONDS: '120',
          },
    );
  });

  it('on throttling of the $default stage and the reserved concurrency', () => {
    const [sls, sam] = pair().map((d) => ({
      route: resolve(d, only(d, 'AWS::ApiGatewayV2::Stage').Properties.DefaultRouteSettings),
      reserved: (resolve(d, only(d, 'AWS::Lambda::Function').Properties) as Template)
        .ReservedConcurrentExecutions,
    })) as Template[];
    const full = mode === 'every setting';
    for (const d of [sls, sam] as Template[]) {
      expect(String(d.route.ThrottlingBurstLimit)).toBe(full ? '40' : '20');
      expect(String(d.route.ThrottlingRateLimit)).toBe(full ? '25' : '10');
      expect(d.route.DetailedMetricsEnabled ?? false).toBe(false);
      expect(d.reserved).toEqual(full ? '5' : undefined);
    }
  });

  it("on the routes: the handler's own, any method, and $default, all payload 2.0", () => {
    const [sls, sam] = pair();
    expect(routes(sls as Deployment)).toEqual(routes(sam as Deployment));
    expect(routes(sls as Deployment)).toEqual(
      ['$default', ...ROUTES.map((path) => `ANY ${path}`)].sort(),
    );
    expect(payloadFormats(sls as Deployment)).toEqual(['2.0']);
    expect(payloadFormats(sam as Deployment)).toEqual(['2.0']);
  });

  it('on an HTTP API with no CORS configuration, served from $default with the same access log', () => {
    const [sls, sam] = pair();
    for (const d of [sls, sam] as Deployment[]) {
      const api = only(d, 'AWS::ApiGatewayV2::Api');
      expect(api.Properties).not.toHaveProperty('CorsConfiguration');
      expect(api.Properties.Body ?? {}).not.toHaveProperty('x-amazon-apigateway-cors');
      expect(only(d, 'AWS::ApiGatewayV2::Stage').Properties.StageName).toBe('$default');
    }
    const [slsLog, samLog] = [sls, sam].map(
      (d) => only(d as Deployment, 'AWS::ApiGatewayV2::Stage').Properties.AccessLogSettings.Format,
    );
    expect(slsLog).toBe(samLog);
    expect(slsLog).not.toMatch(/authorization/i);
  });

  it('on log retention: 14 days for the function and the access log', () => {
    for (const d of pair()) {
      const retention = ofType(d, 'AWS::Logs::LogGroup').map((g) => g.Properties.RetentionInDays);
      expect(retention).toEqual([14, 14]);
    }
  });

  it('on what the function may do: its logs, and the policy only when set', () => {
    const [sls, sam] = pair();
    for (const d of [sls, sam] as Deployment[]) {
      const others = allowedActions(d).filter((action) => !action.startsWith('logs:'));
      expect(others).toEqual(mode === 'open' ? [] : ['kms:Decrypt', 'ssm:GetParameter']);
    }
    const grants = [sls, sam].map((d) =>
      ofType(d as Deployment, 'AWS::IAM::Policy').map((p) =>
        resolve(d as Deployment, p.Properties.PolicyDocument),
      ),
    );
    expect(grants[0]).toEqual(grants[1]);
    expect(grants[0]).toHaveLength(mode === 'open' ? 0 : 1);
  });
});
