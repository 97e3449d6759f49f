import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { readAccessSettings } from '../../handler/access-settings.ts';
import { environmentWithoutPolicy } from '../../harness/local-server.ts';
import DeploySettingsCheck, {
  accessSettingsProblem,
  constraintProblem,
  deployNotice,
  editDistance,
  givenSettings,
  knownSettings,
  operatingSettingsProblem,
  settingNameProblem,
  settingOf,
  sharedStackParameters,
  stackParameterProblem,
} from '../../infra/deploy-settings-check.js';
import { projectCopy } from '../support/project-copy.ts';
import { EVERY_SETTING } from './settings.ts';
import { projectRoot, readSamTemplate, readShared, type Template } from './templates.ts';

interface Run {
  code: number;
  output: string;
}

// The project copy this file's commands build in (npm start and npm run invoke build
// before they refuse), so that no other test's dist/ is replaced.
const project = projectCopy();

/** A command in `cwd`, with the shell's policy settings replaced by `env`. */
function runIn(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd = project,
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { ...environmentWithoutPolicy(), ...env }, timeout: 90_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: stdout + stderr });
      },
    );
  });
}

const SERVERLESS = join(projectRoot, 'node_modules/.bin/serverless');

/**
 * `serverless package` with `args` (in the project, else in `service`) exits 1, saying
 * `message` (a whole line when `wholeLine`), without a stack trace, and writes no package.
 */
async function expectPackageRefused(
  args: string[],
  message: string,
  { env = {}, service = project, wholeLine = false } = {},
): Promise<void> {
  const out = join(mkdtempSync(join(tmpdir(), 'synapse-version-refused-')), 'package');
  try {
    const run = await runIn(SERVERLESS, ['package', '--package', out, ...args], env, service);
    expect(run.code).toBe(1);
    if (wholeLine) expect(run.output.split('\n')).toContain(message);
    else expect(run.output).toContain(message);
    expect(run.output).not.toMatch(/^\s+at /m);
    expect(existsSync(out)).toBe(false);
  } finally {
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
}

/**
 * A copy of the service whose serverless.yml ends with the stage `params` given, the way
 * docs/operating.md tells operators to keep their settings; removed with `remove()`. It
 * packages a stand-in dist/: what is zipped is osls-package.test.ts's concern.
 */
function serviceWithParams(params: Template): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'synapse-version-params-'));
  cpSync(join(projectRoot, 'infra'), join(dir, 'infra'), { recursive: true });
  mkdirSync(join(dir, 'handler'));
  cpSync(join(projectRoot, 'handler/access-rules.json'), join(dir, 'handler/access-rules.json'));
  cpSync(join(projectRoot, 'package.json'), join(dir, 'package.json'));
  // Only what serverless.yml loads: osls walks a whole node_modules when it packages.
  mkdirSync(join(dir, 'node_modules'));
  for (const name of ['serverless', 'serverless-offline', 'yaml']) {
    symlinkSync(join(projectRoot, 'node_modules', name), join(dir, 'node_modules', name));
  }
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist/handler.js'), 'export const handler = async () => ({});\n');
  const yml = readFileSync(join(projectRoot, 'serverless.yml'), 'utf8');
  writeFileSync(join(dir, 'serverless.yml'), `${yml}\n${stringify({ params })}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
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
      // The osls check applies the stack parameter's own constraints as well.
      stackParameterProblem({ accessPolicyParameter: name }) === undefined,
      samAccepts(name),
    ];
    expect(new Set(verdicts).size, `function, osls, its stack parameter, SAM: ${verdicts}`).toBe(1);
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

/** What of osls's `serverless` object the check reads, as osls fills it in for a run. */
function fakeServerless({
  param,
  params,
  commands = ['package'],
  custom = {},
  environment = {},
}: {
  param?: string[];
  params?: Template;
  commands?: string[];
  custom?: Record<string, unknown>;
  environment?: Record<string, unknown>;
}) {
  class ServerlessError extends Error {
    code: string;
    constructor(message: string, code: string) {
      super(message);
      this.code = code;
    }
  }
  return {
    service: { provider: { environment }, custom },
    classes: { Error: ServerlessError },
    processedInput: { options: { param }, commands },
    configurationInput: { params },
    serviceDir: projectRoot,
    configurationFilename: 'serverless.yml',
    // The package hooks ask no provider; the deploy hook's own test is deploy-parameter-place.
    getProvider: (): never => {
      throw new Error('the package hooks ask no provider');
    },
  };
}

const packageHook = (serverless: ReturnType<typeof fakeServerless>) =>
  new DeploySettingsCheck(serverless).hooks['before:package:initialize'];

describe('a setting serverless.yml does not read is refused, naming the nearest it does', () => {
  const known = knownSettings(readFileSync(join(projectRoot, 'serverless.yml'), 'utf8'));

  it("knows exactly serverless.yml's ${param:…} settings: every stack parameter, by its osls name", () => {
    // infra/template.yaml's parameters are infra/shared/settings.yml's and the two TTL
    // settings SAM declares itself; osls reads each as the same name, lower-case first.
    const parameters = Object.keys(readSamTemplate().Parameters).map(settingOf);
    expect([...known].sort()).toEqual([...parameters].sort());
    expect(known).toHaveLength(10);
  });

  it('reads the names from the file, once each, leaving comments out', () => {
    const text = [
      '# ${param:commented}',
      'a: ${param:one, env:X, null}',
      "b: ${param:two, ''} # ${param:trailing}",
      'c: ${param:one}',
    ].join('\n');
    expect(knownSettings(text)).toEqual(['one', 'two']);
  });

  it('measures edits ignoring case', () => {
    expect(editDistance('accessPolicyParamter', 'accessPolicyParameter')).toBe(1);
    expect(editDistance('DOMAINNAME', 'domainName')).toBe(0);
    expect(editDistance('throttlingRate', 'throttlingRateLimit')).toBe(5);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it.each([
    [
      'accessPolicyParamter',
      'unknown --param accessPolicyParamter: did you mean accessPolicyParameter?',
    ],
    [
      'accesspolicyparameter',
      'unknown --param accesspolicyparameter: did you mean accessPolicyParameter?',
    ],
    ['accessPolicyTTL', 'unknown --param accessPolicyTTL: did you mean accessPolicyTtlSeconds?'],
    ['throttleRateLimit', 'unknown --param throttleRateLimit: did you mean throttlingRateLimit?'],
    ['domain', 'unknown --param domain: did you mean domainName?'],
    [
      'stage',
      'unknown --param stage: the settings are accessPolicyParameter, accessPolicyTtlSeconds, accessPolicyMaxStaleSeconds, domainName, certificateArn, hostedZoneId, throttlingBurstLimit, throttlingRateLimit, reservedConcurrency, alarmTopicArn',
    ],
  ])('--param %s', (name, message) => {
    expect(settingNameProblem(name, '--param', known)).toBe(message);
  });

  it('takes every name serverless.yml reads', () => {
    for (const name of known) expect(settingNameProblem(name, '--param', known)).toBeUndefined();
  });

  it('says where a name under params was given', () => {
    expect(settingNameProblem('alarmTopic', 'params.prod in serverless.yml', known)).toBe(
      'unknown param alarmTopic (params.prod in serverless.yml): did you mean alarmTopicArn?',
    );
  });

  it('reads the names given on the command line and under every stage of params', () => {
    expect(
      givenSettings(['a=1', 'b=x=y'], { prod: { c: '1' }, dev: { d: '${ssm:/x}' }, default: {} }),
    ).toEqual([
      { name: 'a', where: '--param' },
      { name: 'b', where: '--param' },
      { name: 'c', where: 'params.prod in serverless.yml' },
      { name: 'd', where: 'params.dev in serverless.yml' },
    ]);
    expect(givenSettings('a=1', undefined)).toEqual([{ name: 'a', where: '--param' }]);
    expect(givenSettings(undefined, undefined)).toEqual([]);
  });

  it('the plugin refuses a misspelt name given either way, and takes the right ones', () => {
    expect(packageHook(fakeServerless({ param: ['domainNme=a.example.org'] }))).toThrow(
      'unknown --param domainNme: did you mean domainName?',
    );
    expect(packageHook(fakeServerless({ params: { default: { reservedConcurency: 5 } } }))).toThrow(
      'unknown param reservedConcurency (params.default in serverless.yml): did you mean reservedConcurrency?',
    );
    const accepted = fakeServerless({
      param: ['throttlingRateLimit=5'],
      params: { prod: { throttlingBurstLimit: 9 } },
    });
    expect(packageHook(accepted)).not.toThrow();
  });

  it('serverless package refuses a misspelt --param, which would deploy the route open', async () => {
    await expectPackageRefused(
      ['--param', 'accessPolicyParamter=/synapse-version/access-policy'],
      'unknown --param accessPolicyParamter: did you mean accessPolicyParameter?',
      { wholeLine: true },
    );
  });

  it('serverless package refuses a misspelt name under params in serverless.yml', async () => {
    const service = serviceWithParams({
      prod: { accessPolicyParamter: '/synapse-version/access-policy' },
    });
    try {
      await expectPackageRefused(
        [],
        'unknown param accessPolicyParamter (params.prod in serverless.yml): did you mean accessPolicyParameter?',
        { service: service.dir, wholeLine: true },
      );
    } finally {
      service.remove();
    }
  });
});

describe('a policy setting without a policy is refused', () => {
  const ttlAlone =
    'ACCESS_POLICY_TTL_SECONDS (--param accessPolicyTtlSeconds) is set but ACCESS_POLICY_PARAMETER (--param accessPolicyParameter) is not: a misspelt or missing accessPolicyParameter would deploy the route open';

  it.each([
    [{ ACCESS_POLICY_TTL_SECONDS: '60' }, ttlAlone],
    [{ ACCESS_POLICY_TTL_SECONDS: 60, ACCESS_POLICY_PARAMETER: '' }, ttlAlone],
    [
      { ACCESS_POLICY_MAX_STALE_SECONDS: '0' },
      'ACCESS_POLICY_MAX_STALE_SECONDS (--param accessPolicyMaxStaleSeconds) is set but ACCESS_POLICY_PARAMETER (--param accessPolicyParameter) is not: a misspelt or missing accessPolicyParameter would deploy the route open',
    ],
  ])('%j', (environment, message) => {
    expect(accessSettingsProblem(environment)).toBe(message);
  });

  it('takes no TTL settings, or empty ones, without a policy, and both with one', () => {
    expect(accessSettingsProblem({})).toBeUndefined();
    expect(accessSettingsProblem({ ACCESS_POLICY_TTL_SECONDS: '' })).toBeUndefined();
    expect(
      accessSettingsProblem({
        ACCESS_POLICY_PARAMETER: '/p',
        ACCESS_POLICY_TTL_SECONDS: '60',
        ACCESS_POLICY_MAX_STALE_SECONDS: '0',
      }),
    ).toBeUndefined();
  });

  it('serverless package refuses a TTL given without the policy it is for', async () => {
    await expectPackageRefused(['--param', 'accessPolicyTtlSeconds=60'], ttlAlone, {
      wholeLine: true,
    });
  });
});

describe("a value its stack parameter's constraints refuse is refused before packaging", () => {
  const parameters = sharedStackParameters();

  it("reads the constraints CloudFormation gets: infra/shared/settings.yml's, in infra/template.yaml too", () => {
    expect(parameters).toEqual(readShared('settings.yml').Parameters);
    const sam = readSamTemplate().Parameters;
    for (const [name, parameter] of Object.entries(parameters)) {
      expect(sam[name], name).toEqual(parameter);
    }
  });

  it.each([
    [
      'domainName',
      'Matrix.example.org',
      'must be a lower-case host name such as matrix-admin.example.org',
    ],
    [
      'domainName',
      'https://matrix.example.org',
      'must be a lower-case host name such as matrix-admin.example.org',
    ],
    [
      'certificateArn',
      'arn:aws:acm:us-east-1:123:certificate/x',
      "must be the ARN of an ACM certificate in the stack's region",
    ],
    ['hostedZoneId', 'z0123', 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ'],
    ['alarmTopicArn', 'arn:aws:sqs:us-east-1:123456789012:q', 'must be the ARN of an SNS topic'],
    ['reservedConcurrency', '-1', 'must be empty or a whole number from 1 to 9999'],
    ['reservedConcurrency', '10000', 'must be empty or a whole number from 1 to 9999'],
    ['throttlingBurstLimit', '0', 'must be a whole number from 1 to 5000'],
    ['throttlingBurstLimit', '5001', 'must be a whole number from 1 to 5000'],
    ['throttlingBurstLimit', '2.5', 'must be a whole number from 1 to 5000'],
    ['throttlingRateLimit', 'abc', 'must be a whole number from 1 to 10000'],
    ['throttlingRateLimit', '1e3', 'must be a whole number from 1 to 10000'],
    ['throttlingRateLimit', '', 'must be a whole number from 1 to 10000'],
    [
      'accessPolicyParameter',
      'synapse-policy',
      readShared('settings.yml').Parameters.AccessPolicyParameter.ConstraintDescription,
    ],
  ])('%s=%j', (setting, value, problem) => {
    expect(stackParameterProblem({ [setting]: value }, parameters)).toBe(
      `${setting} (--param ${setting}) ${problem}`,
    );
  });

  it("quotes the template's ConstraintDescription for every String parameter", () => {
    for (const [name, parameter] of Object.entries(parameters)) {
      if (parameter.Type !== 'String') continue;
      expect(parameter.ConstraintDescription, name).toBeTruthy();
      expect(constraintProblem(parameter, ' '), name).toBe(parameter.ConstraintDescription);
    }
  });

  it('without a ConstraintDescription, says what the pattern or length is', () => {
    expect(constraintProblem({ Type: 'String', AllowedPattern: '[a-z]+' }, 'A')).toBe(
      'must match [a-z]+',
    );
    expect(constraintProblem({ Type: 'String', MaxLength: 2 }, 'abc')).toBe(
      'must be at most 2 characters',
    );
    expect(constraintProblem({ Type: 'String', MinLength: 2 }, 'a')).toBe(
      'must be at least 2 characters',
    );
    expect(constraintProblem({ Type: 'Number', MinValue: 3 }, '2')).toBe(
      'must be a whole number of at least 3',
    );
    // The pattern is matched against the whole value, as CloudFormation matches it.
    expect(constraintProblem({ Type: 'String', AllowedPattern: '[a-z]+' }, 'ab1')).toBe(
      'must match [a-z]+',
    );
  });

  it("takes every default, every setting the infra tests deploy, and each bound's edge", () => {
    const defaults = Object.fromEntries(
      Object.entries(parameters).map(([name, p]) => [settingOf(name), p.Default]),
    );
    expect(stackParameterProblem(defaults, parameters)).toBeUndefined();
    const every = Object.fromEntries(
      Object.entries(EVERY_SETTING).map(([name, value]) => [settingOf(name), value]),
    );
    expect(stackParameterProblem(every, parameters)).toBeUndefined();
    for (const custom of [
      { throttlingBurstLimit: '1', throttlingRateLimit: '10000' },
      { throttlingBurstLimit: 5000, throttlingRateLimit: 1 },
      { reservedConcurrency: '9999' },
      { reservedConcurrency: '' },
    ]) {
      expect(stackParameterProblem(custom, parameters), JSON.stringify(custom)).toBeUndefined();
    }
  });

  it('checks only the settings it is given', () => {
    expect(stackParameterProblem({}, parameters)).toBeUndefined();
    expect(stackParameterProblem({ domainName: null }, parameters)).toBeUndefined();
  });

  it('differs from CloudFormation on fractions only, as its comment says: 2.5 passes a Number, and would fail the stage', () => {
    const samNumberAccepts = (text: string, min: number, max: number): boolean =>
      /^-?\d+(\.\d+)?(e\d+)?$/.test(text) && Number(text) >= min && Number(text) <= max;
    for (const name of ['ThrottlingBurstLimit', 'ThrottlingRateLimit']) {
      const p = parameters[name] as { Type: string; MinValue: number; MaxValue: number };
      expect(p.Type).toBe('Number');
      for (const text of ['0', '1', '20', String(p.MaxValue), String(p.MaxValue + 1), '-1', 'x']) {
        expect(constraintProblem(p, text) === undefined, text).toBe(
          samNumberAccepts(text, p.MinValue, p.MaxValue),
        );
      }
      for (const text of ['2.5', '1e3']) {
        expect(samNumberAccepts(text, p.MinValue, p.MaxValue), text).toBe(true);
        expect(constraintProblem(p, text), text).toBeDefined();
      }
    }
  });

  it('serverless package refuses a rate that is not a number', async () => {
    await expectPackageRefused(
      ['--param', 'throttlingRateLimit=abc'],
      'throttlingRateLimit (--param throttlingRateLimit) must be a whole number from 1 to 10000',
      { wholeLine: true },
    );
  });

  it('serverless package refuses a negative reserved concurrency', async () => {
    await expectPackageRefused(
      ['--param', 'reservedConcurrency=-1'],
      'reservedConcurrency (--param reservedConcurrency) must be empty or a whole number from 1 to 9999',
      { wholeLine: true },
    );
  });
});

describe("settings kept under serverless.yml's params", () => {
  it('package into the stack parameters, the stage its own and default the rest', async () => {
    const osls = Object.fromEntries(
      Object.entries(EVERY_SETTING).map(([name, value]) => [settingOf(name), value]),
    );
    const { throttlingBurstLimit, throttlingRateLimit, ...prod } = osls;
    const service = serviceWithParams({
      prod,
      default: { throttlingBurstLimit, throttlingRateLimit },
      // Another stage's settings are not this deploy's.
      dev: { accessPolicyParameter: '/dev/policy' },
    });
    const out = join(service.dir, 'package');
    try {
      const run = await runIn(SERVERLESS, ['package', '--package', out], {}, service.dir);
      expect(run.code, run.output).toBe(0);
      expect(run.output).not.toContain('Notice:');
      const template = JSON.parse(
        readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
      ) as Template;
      for (const name of Object.keys(readShared('settings.yml').Parameters)) {
        expect(String(template.Parameters[name].Default), name).toBe(EVERY_SETTING[name]);
      }
      expect(template.Resources.VersionLambdaFunction.Properties.Environment.Variables).toEqual({
        ACCESS_POLICY_PARAMETER: EVERY_SETTING.AccessPolicyParameter,
        ACCESS_POLICY_TTL_SECONDS: EVERY_SETTING.AccessPolicyTtlSeconds,
        ACCESS_POLICY_MAX_STALE_SECONDS: EVERY_SETTING.AccessPolicyMaxStaleSeconds,
      });
    } finally {
      service.remove();
    }
  });
});

describe('serverless deploy without an access policy says the route will be open', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const notice =
    'Notice: no accessPolicyParameter, so the route will be open to everyone; to lock it, give --param accessPolicyParameter=/synapse-version/access-policy or keep it under params in serverless.yml (docs/operating.md)';

  it('on deploy alone, and only without a policy', () => {
    expect(deployNotice(['deploy'], { accessPolicyParameter: '' })).toBe(notice);
    expect(deployNotice(['deploy'], {})).toBe(notice);
    expect(deployNotice(['deploy'], { accessPolicyParameter: '/p' })).toBeUndefined();
    expect(deployNotice(['package'], {})).toBeUndefined();
    expect(deployNotice(['offline', 'start'], {})).toBeUndefined();
    expect(deployNotice(['deploy', 'function'], {})).toBeUndefined();
  });

  it('the plugin writes it to stderr, one line, and goes on', () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    packageHook(fakeServerless({ commands: ['deploy'], custom: { accessPolicyParameter: '' } }))();
    packageHook(fakeServerless({ commands: ['package'], custom: { accessPolicyParameter: '' } }))();
    packageHook(
      fakeServerless({
        commands: ['deploy'],
        custom: { accessPolicyParameter: '/synapse-version/access-policy' },
        environment: { ACCESS_POLICY_PARAMETER: '/synapse-version/access-policy' },
      }),
    )();
    expect(written).toEqual([`${notice}\n`]);
  });
});
