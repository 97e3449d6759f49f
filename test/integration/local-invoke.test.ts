import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { environmentWithoutPolicy } from '../../harness/local-server.ts';
import { projectCopy } from '../support/project-copy.ts';

const run = promisify(execFile);
// `npm run invoke` builds first: in a project copy of this file's own.
const project = projectCopy();

/** `npm run invoke -- events/<file>.json`, as the README says: `osls invoke local`. */
async function invoke(eventFile: string): Promise<Record<string, unknown>> {
  const { stdout } = await run('npm', ['run', '--silent', 'invoke', '--', eventFile], {
    cwd: project,
    env: environmentWithoutPolicy(),
    timeout: 60_000,
  });
  // osls prints the result as JSON, with a body that parses shown parsed.
  return JSON.parse(stdout.slice(stdout.indexOf('{')));
}

describe('npm run invoke (osls invoke local)', () => {
  it('answers an HTTP API event from events/', async () => {
    const result = await invoke('events/http-api-get.json');
    expect(result.statusCode).toBe(200);
    expect(result.body).toMatchObject({ python_version: process.versions.node });
    expect(result.headers).toMatchObject({ 'Access-Control-Allow-Origin': '*' });
  });

  it('answers an ALB event with multi-value headers in kind', async () => {
    const result = await invoke('events/alb-multi-value-get.json');
    expect(result).toMatchObject({ statusCode: 200, statusDescription: '200 OK' });
    expect(result).toHaveProperty('multiValueHeaders');
  });

  it('answers a direct invocation with the version document', async () => {
    const result = await invoke('events/direct-invoke.json');
    expect(Object.keys(result).sort()).toEqual(['python_version', 'server_version']);
  });
});
