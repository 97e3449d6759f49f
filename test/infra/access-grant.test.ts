import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../scripts/build.ts';
import { environmentWithoutPolicy } from '../support/local-server.ts';
import { projectRoot, readSamTemplate, readServerlessYml, type Template } from './templates.ts';

const run = promisify(execFile);
const PARAMETER = '/synapse-version/access-policy';
const PARAMETER_ARN = `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${PARAMETER}`;

/** The grant both infra files must make, with `arn` the parameter's ARN as they spell it. */
function expectExactGrant(statements: Template[], arn: unknown): void {
  expect(statements).toEqual([
    { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: arn },
    {
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*' },
      Condition: {
        StringEquals: {
          'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' },
          'kms:EncryptionContext:PARAMETER_ARN': arn,
        },
      },
    },
  ]);
}

/** Evaluates the literal-only conditions osls writes (Fn::Not over Fn::Equals). */
function holds(condition: Template): boolean {
  if ('Fn::Not' in condition) return !holds(condition['Fn::Not'][0]);
  if ('Fn::Equals' in condition) {
    const [a, b] = condition['Fn::Equals'];
    if (typeof a !== 'string' || typeof b !== 'string') throw new Error('not a literal');
    return a === b;
  }
  throw new Error(`unexpected condition ${JSON.stringify(condition)}`);
}

describe('infra/template.yaml', () => {
  const sam = readSamTemplate();

  it('takes the parameter as a deploy-time setting, empty by default', () => {
    expect(sam.Parameters.AccessPolicyParameter).toMatchObject({ Type: 'String', Default: '' });
    expect(sam.Parameters.AccessPolicyTtlSeconds).toMatchObject({ Default: 300, MinValue: 1 });
    expect(sam.Conditions.HasAccessPolicy).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AccessPolicyParameter' }, ''] }],
    });
  });

  it('passes the settings to the function only when set', () => {
    const variables = sam.Resources.VersionFunction.Properties.Environment.Variables;
    expect(variables).toEqual({
      ACCESS_POLICY_PARAMETER: {
        'Fn::If': ['HasAccessPolicy', { Ref: 'AccessPolicyParameter' }, { Ref: 'AWS::NoValue' }],
      },
      ACCESS_POLICY_TTL_SECONDS: {
        'Fn::If': ['HasAccessPolicy', { Ref: 'AccessPolicyTtlSeconds' }, { Ref: 'AWS::NoValue' }],
      },
    });
  });

  it('grants exactly GetParameter on that parameter and Decrypt through SSM, only when set', () => {
    const grant = sam.Resources.AccessPolicyReadPolicy;
    expect(grant.Condition).toBe('HasAccessPolicy');
    expect(grant.Properties.Roles).toEqual([{ Ref: 'VersionFunctionRole' }]);
    const arn = {
      'Fn::Sub':
        'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${AccessPolicyParameter}',
    };
    expectExactGrant(grant.Properties.PolicyDocument.Statement, arn);
    // The function's own policies grant nothing else.
    expect(sam.Resources.VersionFunction.Properties).not.toHaveProperty('Policies');
  });

  it('accepts only parameter paths the grant can name', () => {
    const pattern = new RegExp(sam.Parameters.AccessPolicyParameter.AllowedPattern);
    expect(pattern.test('')).toBe(true);
    expect(pattern.test(PARAMETER)).toBe(true);
    expect(pattern.test('no-leading-slash')).toBe(false);
  });
});

describe('serverless.yml, through osls package', () => {
  const outs: string[] = [];
  const pack = async (args: string[]): Promise<Template> => {
    const out = mkdtempSync(join(tmpdir(), 'synapse-version-grant-'));
    outs.push(out);
    await run(
      join(projectRoot, 'node_modules/.bin/serverless'),
      ['package', '--package', out, ...args],
      {
        cwd: projectRoot,
        env: environmentWithoutPolicy(),
      },
    );
    return JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  };
  const fn = (template: Template): Template =>
    Object.values(template.Resources as Record<string, Template>).find(
      (r) => r.Type === 'AWS::Lambda::Function',
    ) ?? {};

  let open: Template;
  let locked: Template;
  beforeAll(async () => {
    await build();
    // One at a time: osls keeps working state in the service directory.
    open = await pack([]);
    locked = await pack([
      '--param',
      `accessPolicyParameter=${PARAMETER}`,
      '--param',
      'accessPolicyTtlSeconds=60',
    ]);
  }, 120_000);
  afterAll(() => {
    for (const out of outs) rmSync(out, { recursive: true, force: true });
  });

  it('declares the setting in serverless.yml', () => {
    const sls = readServerlessYml();
    expect(sls.custom.accessPolicyParameter).toContain('param:accessPolicyParameter');
  });

  it('in open mode, passes no setting and makes no grant', () => {
    expect(fn(open).Properties.Environment?.Variables ?? {}).toEqual({});
    const grant = open.Resources.AccessPolicyReadPolicy;
    expect(grant.Condition).toBe('HasAccessPolicy');
    expect(holds(open.Conditions.HasAccessPolicy)).toBe(false);
  });

  it('with the setting, passes it and grants exactly what reading it needs', () => {
    expect(fn(locked).Properties.Environment).toEqual({
      Variables: { ACCESS_POLICY_PARAMETER: PARAMETER, ACCESS_POLICY_TTL_SECONDS: '60' },
    });
    expect(holds(locked.Conditions.HasAccessPolicy)).toBe(true);
    const grant = locked.Resources.AccessPolicyReadPolicy;
    expect(grant.Properties.Roles).toEqual([{ Ref: 'IamRoleLambdaExecution' }]);
    expectExactGrant(grant.Properties.PolicyDocument.Statement, { 'Fn::Sub': PARAMETER_ARN });
  });

  it('grants the function nothing else beyond its own logs', () => {
    const role = locked.Resources.IamRoleLambdaExecution;
    const actions = (role.Properties.Policies as Template[]).flatMap((policy) =>
      (policy.PolicyDocument.Statement as Template[]).flatMap((s) => s.Action),
    );
    expect(actions.every((action: string) => action.startsWith('logs:'))).toBe(true);
  });
});
