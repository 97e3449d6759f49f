import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../scripts/build.ts';
import { projectCopy } from '../support/project-copy.ts';
import {
  cfnLint,
  cfnLintTemplate,
  oslsPackage,
  type Packaged,
  samTransform,
} from './cloudformation.ts';
import { asParams, EVERY_SETTING, MODES } from './settings.ts';
import { projectRoot } from './templates.ts';

// This file's own project copy: it builds dist/ there and packages that.
const project = projectCopy();

// AWS's own linter over both deployments, in every variant (open, with a policy, with a
// domain, with alarms, all together): zero errors and zero warnings.
const VARIANTS: Record<string, Record<string, string>> = {
  open: {},
  'with a policy': MODES.locked ?? {},
  'with a domain and its records': {
    DomainName: EVERY_SETTING.DomainName ?? '',
    CertificateArn: EVERY_SETTING.CertificateArn ?? '',
    HostedZoneId: EVERY_SETTING.HostedZoneId ?? '',
  },
  'with alarms': { AlarmTopicArn: EVERY_SETTING.AlarmTopicArn ?? '' },
  'with every setting': EVERY_SETTING,
};

const packaged: Record<string, Packaged> = {};

beforeAll(async () => {
  await build(process.env, project);
  // One at a time: osls keeps working state in the service directory.
  for (const [name, settings] of Object.entries(VARIANTS)) {
    packaged[name] = await oslsPackage(asParams(settings), project);
  }
}, 180_000);
afterAll(() => {
  for (const p of Object.values(packaged)) p.remove();
});

describe('cfn-lint', () => {
  it('finds nothing in infra/template.yaml (it applies the SAM transform itself)', async () => {
    expect(await cfnLint(join(projectRoot, 'infra/template.yaml'))).toEqual({
      code: 0,
      output: '',
    });
  });

  it.each(Object.entries(VARIANTS))(
    'finds nothing in the SAM transform’s CloudFormation, %s',
    async (_name, settings) => {
      expect(await cfnLintTemplate(await samTransform(settings))).toEqual({ code: 0, output: '' });
    },
  );

  it.each(Object.keys(VARIANTS))('finds nothing in what osls package writes, %s', async (name) => {
    const { templatePath } = packaged[name] as Packaged;
    expect(await cfnLint(templatePath)).toEqual({ code: 0, output: '' });
  });

  it('does report a condition that compares two literals (control)', async () => {
    // How the condition was once written: decided by the framework, flagged W8003.
    const template = structuredClone((packaged.open as Packaged).template);
    template.Conditions.HasAccessPolicy = { 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] };
    const result = await cfnLintTemplate(template);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('W8003');
  });
});
