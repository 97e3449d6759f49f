import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAccessSettings } from '../../handler/access-settings.ts';
import {
  accessSettingsProblem,
  operatingSettingsProblem,
} from '../../infra/deploy-settings-check.js';
import { environmentWithoutPolicy } from '../../scripts/servers/local-server.ts';
import { projectRoot, readSamTemplate, readShared } from './templates.ts';

interface Run {
  code: number;
  output: string;
}

/** A command in the project, with the shell's policy settings replaced by `env`. */
function runIn(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: projectRoot, env: { ...environmentWithoutPolicy(), ...env }, timeout: 90_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: stdout + stderr });
      },
    );
  });
}

/** `serverless package` with `args` fails, saying `message`, and writes no package. */
async function expectPackageRefused(args: string[], message: string): Promise<void> {
  const out = join(mkdtempSync(join(tmpdir(), 'synapse-version-refused-')), 'package');
  try {
    const run = await runIn(
      join(projectRoot, 'node_modules/.bin/serverless'),
      ['package', '--package', out, ...args],
      {},
    );
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(message);
    expect(existsSync(out)).toBe(false);
  } finally {
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
}

const BAD_TTL = {
  ACCESS_POLICY_PARAMETER: '/synapse-version/access-policy',
  ACCESS_POLICY_TTL_SECONDS: 'ten',
};
const BAD_NAME = { ACCESS_POLICY_PARAMETER: 'synapse-policy' };

describe('an unusable setting stops every local command, naming it, without a stack trace', () => {
  it('npm start exits non-zero and never serves', async () => {
    const run = await runIn('npm', ['start', '--', '--httpPort', '1'], BAD_TTL);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(
      'ACCESS_POLICY_TTL_SECONDS (--param accessPolicyTtlSeconds) must be a whole number',
    );
    expect(run.output).not.toContain('Server ready');
    expect(run.output).not.toMatch(/^\s+at /m);
  });

  it('npm run invoke exits non-zero and never runs the function', async () => {
    const run = await runIn('npm', ['run', 'invoke', '--', 'events/http-api-get.json'], BAD_NAME);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('ACCESS_POLICY_PARAMETER (--param accessPolicyParameter) must be');
    expect(run.output).not.toContain('"statusCode"');
    expect(run.output).not.toMatch(/^\s+at /m);
  });

  it('serverless package refuses a name that is not a path before writing anything', async () => {
    await expectPackageRefused(
      ['--param', 'accessPolicyParameter=synapse-policy'],
      'must be an SSM parameter path',
    );
  });

  it('serverless package refuses a name with a stray space, as SAM does, rather than grant one name and read another', async () => {
    await expectPackageRefused(
      ['--param', 'accessPolicyParameter= /synapse-version/access-policy'],
      'ACCESS_POLICY_PARAMETER (--param accessPolicyParameter) must be an SSM parameter path',
    );
  });

  it('serverless package refuses an unusable staleness bound, naming it', async () => {
    await expectPackageRefused(
      [
        '--param',
        'accessPolicyParameter=/synapse-version/access-policy',
        '--param',
        'accessPolicyMaxStaleSeconds=-1',
      ],
      'ACCESS_POLICY_MAX_STALE_SECONDS (--param accessPolicyMaxStaleSeconds) must be a whole number of seconds from 0 to 86400',
    );
  });
});

describe('operating settings that need each other', () => {
  it.each([
    [
      { domainName: 'matrix-admin.example.org' },
      'certificateArn (--param certificateArn) is required with domainName',
    ],
    [
      { hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      'domainName (--param domainName) is required with hostedZoneId',
    ],
  ])('osls refuses %j', (custom, message) => {
    expect(operatingSettingsProblem(custom)).toBe(message);
  });

  it('osls accepts a domain with its certificate, or no domain at all', () => {
    expect(operatingSettingsProblem({})).toBeUndefined();
    expect(
      operatingSettingsProblem({ domainName: 'a.example.org', certificateArn: 'arn:aws:acm:x' }),
    ).toBeUndefined();
  });

  it('the SAM template states the same as Rules', () => {
    const { Rules } = readSamTemplate();
    expect(Rules.DomainNeedsCertificate).toEqual({
      RuleCondition: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'DomainName' }, ''] }] },
      Assertions: [
        {
          Assert: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'CertificateArn' }, ''] }] },
          AssertDescription: 'CertificateArn is required with DomainName',
        },
      ],
    });
    expect(Rules.HostedZoneNeedsDomain.Assertions[0].AssertDescription).toBe(
      'DomainName is required with HostedZoneId',
    );
  });

  it('serverless package refuses a domain without a certificate, before writing anything', async () => {
    await expectPackageRefused(
      ['--param', 'domainName=matrix-admin.example.org'],
      'certificateArn (--param certificateArn) is required',
    );
  });
});

describe('one rule for the function, the osls check and the SAM template', () => {
  const sam = readSamTemplate().Parameters;
  const samAccepts = (name: string): boolean =>
    new RegExp(sam.AccessPolicyParameter.AllowedPattern).test(name) &&
    name.length <= sam.AccessPolicyParameter.MaxLength;
  const functionAccepts = (env: Record<string, string>): boolean => {
    try {
      readAccessSettings(env);
      return true;
    } catch {
      return false;
    }
  };

  it.each([
    '/synapse-version/access-policy',
    '/a',
    '/a.b/c_d/e-f/0',
    `/${'x'.repeat(1010)}`,
    `/${'x'.repeat(1011)}`,
    'synapse-policy',
    '/trailing/',
    '//double',
    '/a b',
    '/semi;colon',
    ' /padded',
    '/padded ',
    '   ',
    '/ünïcode',
    'arn:aws:ssm:us-east-1:123456789012:parameter/x',
  ])('agree on the parameter name %j', (name) => {
    const env = { ACCESS_POLICY_PARAMETER: name };
    const verdicts = [
      functionAccepts(env),
      accessSettingsProblem(env) === undefined,
      samAccepts(name),
    ];
    expect(new Set(verdicts).size, `function, osls, SAM: ${verdicts}`).toBe(1);
  });

  /** Whether CloudFormation takes `text` for a Number parameter within `[min, max]`. */
  const samNumberAccepts = (text: string, min: number, max: number): boolean =>
    text.trim() === '' ||
    (/^-?\d+(\.\d+)?(e\d+)?$/.test(text) && Number(text) >= min && Number(text) <= max);

  it.each([
    [
      'ACCESS_POLICY_TTL_SECONDS',
      'AccessPolicyTtlSeconds',
      ['1', '60', '300', '86400', '0', '86401', '-5', 'ten', ' '],
    ],
    [
      'ACCESS_POLICY_MAX_STALE_SECONDS',
      'AccessPolicyMaxStaleSeconds',
      ['0', '1', '900', '86400', '86401', '-1', 'ten', ' '],
    ],
  ] as const)(
    'agree on %s (SAM takes a Number between its bounds)',
    (variable, samName, values) => {
      for (const text of values) {
        const env = { ACCESS_POLICY_PARAMETER: '/p', [variable]: text };
        const inFunction = functionAccepts(env);
        expect(accessSettingsProblem(env) === undefined, text).toBe(inFunction);
        const { MinValue, MaxValue } = sam[samName];
        expect(samNumberAccepts(text, MinValue, MaxValue), text).toBe(inFunction);
      }
    },
  );

  it.each([
    ['ACCESS_POLICY_TTL_SECONDS', 'AccessPolicyTtlSeconds'],
    ['ACCESS_POLICY_MAX_STALE_SECONDS', 'AccessPolicyMaxStaleSeconds'],
  ] as const)(
    'differ on %s only where the README says: SAM takes 1.5 and 1e3, the function refuses them at start-up',
    (variable, samName) => {
      for (const text of ['1.5', '1e3']) {
        const env = { ACCESS_POLICY_PARAMETER: '/p', [variable]: text };
        expect(functionAccepts(env)).toBe(false);
        expect(accessSettingsProblem(env)).toContain(variable);
        const { MinValue, MaxValue } = sam[samName];
        expect(samNumberAccepts(text, MinValue, MaxValue)).toBe(true);
      }
    },
  );

  it('SAM says what the function says when it refuses', async () => {
    const rules = (await import('../../handler/access-rules.json', { with: { type: 'json' } }))
      .default;
    expect(sam.AccessPolicyParameter.ConstraintDescription).toBe(rules.parameterProblem);
    expect(sam.AccessPolicyParameter.AllowedPattern).toBe(`^(${rules.parameterPath})?$`);
    expect(sam.AccessPolicyParameter.MaxLength).toBe(rules.parameterMaxLength);
    expect(sam.AccessPolicyTtlSeconds.ConstraintDescription).toBe(rules.ttlProblem);
    expect(sam.AccessPolicyTtlSeconds.MinValue).toBe(rules.ttlMinSeconds);
    expect(sam.AccessPolicyTtlSeconds.MaxValue).toBe(rules.ttlMaxSeconds);
    expect(sam.AccessPolicyTtlSeconds.Default).toBe(rules.ttlDefaultSeconds);
    expect(sam.AccessPolicyMaxStaleSeconds.ConstraintDescription).toBe(rules.maxStaleProblem);
    expect(sam.AccessPolicyMaxStaleSeconds.MinValue).toBe(rules.maxStaleMinSeconds);
    expect(sam.AccessPolicyMaxStaleSeconds.MaxValue).toBe(rules.maxStaleMaxSeconds);
    expect(sam.AccessPolicyMaxStaleSeconds.Default).toBe(rules.maxStaleDefaultSeconds);
  });

  it("serverless.yml's stack parameter (infra/shared/settings.yml, which test/infra/agreement finds in what osls packages) states the same constraints, so a deploy refuses what the check would", () => {
    const sls = readShared('settings.yml').Parameters.AccessPolicyParameter;
    const { AllowedPattern, MaxLength, ConstraintDescription } = sam.AccessPolicyParameter;
    expect({
      AllowedPattern: sls.AllowedPattern,
      MaxLength: sls.MaxLength,
      ConstraintDescription: sls.ConstraintDescription,
    }).toEqual({ AllowedPattern, MaxLength, ConstraintDescription });
  });
});
