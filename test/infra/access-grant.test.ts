import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../scripts/build.ts';
import { projectCopy } from '../support/project-copy.ts';
import { holds, oslsPackage, type Packaged, parameterValues } from './cloudformation.ts';
import { readSamTemplate, readServerlessYml, type Template } from './templates.ts';

// This file's own project copy: it builds dist/ there and packages that.
const project = projectCopy();

const PARAMETER = '/synapse-version/access-policy';
// Both infra files name the parameter through the stack parameter AccessPolicyParameter.
const STACK_PARAMETER_ARN =
  'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${AccessPolicyParameter}';

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
    const variables = sam.Resources.VersionLambdaFunction.Properties.Environment.Variables;
    expect(variables).toEqual({
      ACCESS_POLICY_PARAMETER: {
        'Fn::If': ['HasAccessPolicy', { Ref: 'AccessPolicyParameter' }, { Ref: 'AWS::NoValue' }],
      },
      ACCESS_POLICY_TTL_SECONDS: {
        'Fn::If': ['HasAccessPolicy', { Ref: 'AccessPolicyTtlSeconds' }, { Ref: 'AWS::NoValue' }],
      },
      ACCESS_POLICY_MAX_STALE_SECONDS: {
        'Fn::If': [
          'HasAccessPolicy',
          { Ref: 'AccessPolicyMaxStaleSeconds' },
          { Ref: 'AWS::NoValue' },
        ],
      },
    });
  });

  it('grants exactly GetParameter on that parameter and Decrypt through SSM, only when set', () => {
    const grant = sam.Resources.AccessPolicyReadPolicy;
    expect(grant.Condition).toBe('HasAccessPolicy');
    expect(grant.Properties.Roles).toEqual([{ Ref: 'IamRoleLambdaExecution' }]);
    expectExactGrant(grant.Properties.PolicyDocument.Statement, { 'Fn::Sub': STACK_PARAMETER_ARN });
    // The function's own policies grant nothing else.
    expect(sam.Resources.VersionLambdaFunction.Properties).not.toHaveProperty('Policies');
  });

  it('gives the function a role of its own that writes its own log group and nothing else', () => {
    expect(sam.Resources.VersionLambdaFunction.Properties.Role).toEqual({
      'Fn::GetAtt': 'IamRoleLambdaExecution.Arn',
    });
    const role = sam.Resources.IamRoleLambdaExecution.Properties;
    // No managed policy: AWSLambdaBasicExecutionRole would reach every log group.
    expect(role).not.toHaveProperty('ManagedPolicyArns');
    expect(role.Policies).toEqual([
      {
        PolicyName: 'write-own-logs',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: { 'Fn::GetAtt': 'VersionLogGroup.Arn' },
            },
          ],
        },
      },
    ]);
  });

  it('accepts only parameter paths the grant can name', () => {
    const pattern = new RegExp(sam.Parameters.AccessPolicyParameter.AllowedPattern);
    expect(pattern.test('')).toBe(true);
    expect(pattern.test(PARAMETER)).toBe(true);
    expect(pattern.test('no-leading-slash')).toBe(false);
  });
});

describe('serverless.yml, through osls package', () => {
  let open: Packaged;
  let locked: Packaged;
  beforeAll(async () => {
    await build(process.env, project);
    // One at a time: osls keeps working state in the service directory.
    open = await oslsPackage([], project);
    locked = await oslsPackage(
      ['--param', `accessPolicyParameter=${PARAMETER}`, '--param', 'accessPolicyTtlSeconds=60'],
      project,
    );
  }, 120_000);
  afterAll(() => {
    open?.remove();
    locked?.remove();
  });
  const fn = (template: Template): Template =>
    Object.values(template.Resources as Record<string, Template>).find(
      (r) => r.Type === 'AWS::Lambda::Function',
    ) ?? {};

  it('declares the setting in serverless.yml', () => {
    const sls = readServerlessYml();
    expect(sls.custom.accessPolicyParameter).toContain('param:accessPolicyParameter');
  });

  it('hands the name to CloudFormation, which decides the condition', () => {
    const { template } = locked;
    expect(template.Parameters.AccessPolicyParameter).toMatchObject({
      Type: 'String',
      Default: PARAMETER,
    });
    expect(template.Conditions.HasAccessPolicy).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AccessPolicyParameter' }, ''] }],
    });
  });

  it('in open mode, passes no setting and makes no grant', () => {
    const { template } = open;
    expect(fn(template).Properties.Environment?.Variables ?? {}).toEqual({});
    expect(template.Resources.AccessPolicyReadPolicy.Condition).toBe('HasAccessPolicy');
    expect(holds(template, 'HasAccessPolicy', parameterValues(template))).toBe(false);
  });

  it('with the setting, passes it and grants exactly what reading it needs', () => {
    const { template } = locked;
    expect(fn(template).Properties.Environment).toEqual({
      Variables: { ACCESS_POLICY_PARAMETER: PARAMETER, ACCESS_POLICY_TTL_SECONDS: '60' },
    });
    expect(holds(template, 'HasAccessPolicy', parameterValues(template))).toBe(true);
    const grant = template.Resources.AccessPolicyReadPolicy;
    expect(grant.Properties.Roles).toEqual([{ Ref: 'IamRoleLambdaExecution' }]);
    expectExactGrant(grant.Properties.PolicyDocument.Statement, { 'Fn::Sub': STACK_PARAMETER_ARN });
  });

  it('grants the function nothing else beyond its own logs', () => {
    const role = locked.template.Resources.IamRoleLambdaExecution;
    expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
    const actions = (role.Properties.Policies as Template[]).flatMap((policy) =>
      (policy.PolicyDocument.Statement as Template[]).flatMap((s) => s.Action),
    );
    expect(actions.every((action: string) => action.startsWith('logs:'))).toBe(true);
  });
});
