import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../scripts/build.ts';
import {
  cfnLint,
  cfnLintTemplate,
  oslsPackage,
  type Packaged,
  samTransform,
} from './cloudformation.ts';
import { projectRoot } from './templates.ts';

// AWS's own linter over both deployments, in open mode and with every optional setting
// given: zero errors and zero warnings.
const EVERY_SETTING = {
  AccessPolicyParameter: '/synapse-version/access-policy',
  AccessPolicyTtlSeconds: '60',
};
const EVERY_PARAM = Object.entries({
  accessPolicyParameter: EVERY_SETTING.AccessPolicyParameter,
  accessPolicyTtlSeconds: EVERY_SETTING.AccessPolicyTtlSeconds,
}).flatMap(([name, value]) => ['--param', `${name}=${value}`]);

let open: Packaged;
let full: Packaged;

beforeAll(async () => {
  await build();
  // One at a time: osls keeps working state in the service directory.
  open = await oslsPackage();
  full = await oslsPackage(EVERY_PARAM);
}, 120_000);
afterAll(() => {
  open?.remove();
  full?.remove();
});

describe('cfn-lint', () => {
  it('finds nothing in infra/template.yaml (it applies the SAM transform itself)', async () => {
    expect(await cfnLint(`${projectRoot}infra/template.yaml`)).toEqual({ code: 0, output: '' });
  });

  it.each([
    ['open', {}],
    ['every setting', EVERY_SETTING],
  ])('finds nothing in the SAM transform’s CloudFormation, %s', async (_name, overrides) => {
    const template = await samTransform(overrides);
    expect(await cfnLintTemplate(template)).toEqual({ code: 0, output: '' });
  });

  it('finds nothing in what osls package writes, open', async () => {
    expect(await cfnLint(open.templatePath)).toEqual({ code: 0, output: '' });
  });

  it('finds nothing in what osls package writes, with every setting', async () => {
    expect(await cfnLint(full.templatePath)).toEqual({ code: 0, output: '' });
  });

  it('does report a condition that compares two literals (control)', async () => {
    // How the condition was once written: decided by the framework, flagged W8003.
    const template = structuredClone(open.template);
    template.Conditions.HasAccessPolicy = { 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] };
    const result = await cfnLintTemplate(template);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('W8003');
  });
});
