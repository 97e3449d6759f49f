// The two deployments as the CloudFormation they become: `osls package` for serverless.yml,
// AWS's SAM transform for infra/template.yaml; and AWS's own linter over each.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { environmentWithoutPolicy } from '../../harness/local-server.ts';
import { PIP, requireTool } from '../support/tools.ts';
import { projectRoot, type Template } from './templates.ts';

const run = promisify(execFile);

export interface Packaged {
  template: Template;
  /** Where osls wrote the template and the zip. */
  dir: string;
  templatePath: string;
  remove: () => void;
}

/**
 * `serverless package` of the dist/ built in `root` (a test's project copy), into a folder
 * of its own, with `args` (`--param …`).
 */
export async function oslsPackage(args: string[], root: string): Promise<Packaged> {
  const dir = mkdtempSync(join(tmpdir(), 'synapse-version-package-'));
  await run(
    join(projectRoot, 'node_modules/.bin/serverless'),
    ['package', '--package', dir, ...args],
    {
      cwd: root,
      env: environmentWithoutPolicy(),
    },
  );
  const templatePath = join(dir, 'cloudformation-template-update-stack.json');
  return {
    template: JSON.parse(readFileSync(templatePath, 'utf8')) as Template,
    dir,
    templatePath,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** CodeUri as `sam deploy` rewrites it after the upload, for the transform. */
export const SAM_CODE_URI = 's3://deployment-bucket/synapse-version/dist.zip';

/** infra/template.yaml through aws-sam-translator, with stack parameter `overrides`. */
export async function samTransform(overrides: Record<string, string> = {}): Promise<Template> {
  const python = requireTool('python3', 'apt-get install python3');
  const args = [
    join(projectRoot, 'test/infra/sam-transform.py'),
    join(projectRoot, 'infra/template.yaml'),
    SAM_CODE_URI,
    ...Object.entries(overrides).map(([name, value]) => `${name}=${value}`),
  ];
  try {
    const { stdout } = await run(python, args, { maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout) as Template;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    if (stderr.includes("No module named 'samtranslator'")) {
      throw new Error(`aws-sam-translator is not installed; ${PIP('aws-sam-translator')}`);
    }
    throw error;
  }
}

export interface LintResult {
  code: number;
  output: string;
}

/** AWS's cfn-lint over one template file; every finding, error or warning, is output. */
export async function cfnLint(path: string): Promise<LintResult> {
  const cfnLintCli = requireTool('cfn-lint', PIP('cfn-lint'));
  try {
    const { stdout, stderr } = await run(cfnLintCli, ['--format', 'parseable', '--', path]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** cfn-lint over a template held in memory. */
export async function cfnLintTemplate(template: Template): Promise<LintResult> {
  const dir = mkdtempSync(join(tmpdir(), 'synapse-version-lint-'));
  try {
    const path = join(dir, 'template.json');
    writeFileSync(path, JSON.stringify(template));
    return await cfnLint(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The stack parameters' values: their defaults, with `given` on top. */
export function parameterValues(
  template: Template,
  given: Record<string, string> = {},
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    const fallback = (parameter as Template).Default;
    if (fallback !== undefined) values[name] = String(fallback);
  }
  return { ...values, ...given };
}

/** Evaluates a condition as CloudFormation would, for the given parameter values. */
export function holds(template: Template, name: string, values: Record<string, string>): boolean {
  const evaluate = (node: Template): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    if ('Ref' in node) {
      if (!(node.Ref in values)) throw new Error(`no value for ${node.Ref}`);
      return values[node.Ref];
    }
    if ('Condition' in node) return holds(template, node.Condition, values);
    if ('Fn::Not' in node) return !evaluate(node['Fn::Not'][0]);
    if ('Fn::And' in node) return (node['Fn::And'] as Template[]).every((c) => evaluate(c));
    if ('Fn::Or' in node) return (node['Fn::Or'] as Template[]).some((c) => evaluate(c));
    if ('Fn::Equals' in node) {
      const [a, b] = (node['Fn::Equals'] as Template[]).map(evaluate);
      return String(a) === String(b);
    }
    throw new Error(`unexpected condition ${JSON.stringify(node)}`);
  };
  const condition = template.Conditions?.[name];
  if (condition === undefined) throw new Error(`no condition ${name}`);
  return evaluate(condition) === true;
}

/** The resources that exist for the given parameter values, by logical id. */
export function deployedResources(
  template: Template,
  values: Record<string, string>,
): Record<string, Template> {
  return Object.fromEntries(
    Object.entries(template.Resources as Record<string, Template>).filter(
      ([, resource]) =>
        resource.Condition === undefined || holds(template, resource.Condition, values),
    ),
  );
}
