import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildResult, build } from '../../scripts/build.ts';
import { projectCopy } from '../support/project-copy.ts';
import { projectRoot, type Template } from './templates.ts';

// This file's own project copy: it builds dist/ there and packages that.
const project = projectCopy();

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'synapse-version-package-'));
let resources: Template[];
let zip: JSZip;
let built: BuildResult;

beforeAll(async () => {
  built = await build(process.env, project);
  // The real osls CLI, as an operator runs it; no AWS account is needed to package.
  await run(join(projectRoot, 'node_modules/.bin/serverless'), ['package', '--package', out], {
    cwd: project,
  });
  const template = JSON.parse(
    readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
  resources = Object.values(template.Resources);
  zip = await JSZip.loadAsync(readFileSync(join(out, 'synapse-version.zip')));
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const ofType = (type: string): Template[] => resources.filter((r) => r.Type === type);

describe('osls package', () => {
  it('declares one arm64 nodejs24.x function on dist/handler.handler with JSON logs', () => {
    const [fn, ...others] = ofType('AWS::Lambda::Function');
    expect(others).toHaveLength(0);
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'dist/handler.handler',
      Timeout: 5,
      LoggingConfig: { LogFormat: 'JSON' },
    });
  });

  it('routes the version path, /health and $default to the function with payload 2.0', () => {
    const keys = ofType('AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey);
    expect(keys.sort()).toEqual([
      '$default',
      'ANY /_synapse/admin/v1/server_version',
      'ANY /health',
    ]);
    const integrations = ofType('AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(1);
    expect(integrations[0]?.Properties.PayloadFormatVersion).toBe('2.0');
  });

  it('serves the $default stage with an access log', () => {
    const [stage] = ofType('AWS::ApiGatewayV2::Stage');
    expect(stage?.Properties.StageName).toBe('$default');
    const format = JSON.parse(stage?.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({ method: '$context.httpMethod', status: '$context.status' });
  });

  it('ships exactly the dist/ that the build wrote, as an ES module package', async () => {
    const names = Object.keys(zip.files).filter((name) => !zip.files[name]?.dir);
    expect(names.sort()).toEqual(Object.keys(built.files).sort());
    expect(names).toContain('dist/handler.js');
    const pkg = JSON.parse((await zip.file('dist/package.json')?.async('string')) ?? '{}');
    expect(pkg.type).toBe('module');
    const shipped = await zip.file('dist/handler.js')?.async('string');
    expect(shipped).toBe(readFileSync(join(project, 'dist/handler.js'), 'utf8'));
  });
});
