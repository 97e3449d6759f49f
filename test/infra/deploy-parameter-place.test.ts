// `serverless deploy` with an access policy asks the deploy's own account and region whether
// the parameter is there, through the real osls CLI and the real AWS SDK against moto_server.
// Every other AWS endpoint is a closed loopback port, so that nothing can be deployed: a
// deploy the check lets through fails later, at CloudFormation, which is how it is told apart.

import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentWithoutPolicy } from '../../harness/local-server.ts';
import { parameterPlaceProblem } from '../../infra/deploy-settings-check.js';
import { build } from '../../scripts/build.ts';
import { EMULATOR_CREDENTIALS, type Moto, startMoto } from '../support/moto.ts';
import { projectCopy } from '../support/project-copy.ts';
import { projectRoot } from './templates.ts';

// This file's own project copy: it builds dist/ there and packages that.
const project = projectCopy();

const SERVERLESS = `${projectRoot}/node_modules/.bin/serverless`;
const NAME = '/synapse-version/access-policy';
// Nothing listens on the discard port of loopback: every call there is refused at once.
const NOWHERE = 'http://127.0.0.1:9';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
  // awscli puts it in EMULATOR_CREDENTIALS' region, us-east-1.
  await moto.putSecureString(NAME, JSON.stringify({ source_cidrs: ['192.0.2.0/24'] }));
  await moto.putParameter('/synapse-version/list', 'a,b', 'StringList');
  await build(process.env, project);
}, 120_000);
afterAll(() => moto?.stop());

function deploy(region: string, parameter: string, ssmEndpoint = moto.url) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      SERVERLESS,
      [
        'deploy',
        '--stage',
        'prod',
        '--region',
        region,
        '--param',
        `accessPolicyParameter=${parameter}`,
      ],
      {
        cwd: project,
        timeout: 90_000,
        env: {
          ...environmentWithoutPolicy(),
          ...EMULATOR_CREDENTIALS,
          AWS_ENDPOINT_URL: NOWHERE,
          AWS_ENDPOINT_URL_SSM: ssmEndpoint,
          AWS_MAX_ATTEMPTS: '1',
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: stdout + stderr });
      },
    );
  });
}

describe('serverless deploy refuses a parameter the function could not read where it runs', () => {
  it('refuses, in one line naming the region, a parameter made in another region', async () => {
    const run = await deploy('eu-west-1', NAME);
    expect(run.code).toBe(1);
    expect(run.output.split('\n')).toContain(
      `accessPolicyParameter ${NAME} does not exist in eu-west-1, where this deploy goes: the function reads it in its own account and region, so every read would be answered 503; create it there first (npm run policy -- add-token --parameter ${NAME} --region eu-west-1)`,
    );
    expect(run.output).not.toMatch(/^\s+at /m);
  }, 120_000);

  it('refuses a parameter of a type the function refuses', async () => {
    const run = await deploy('us-east-1', '/synapse-version/list');
    expect(run.code).toBe(1);
    expect(run.output).toContain(
      'accessPolicyParameter /synapse-version/list in us-east-1 is a StringList, which the function refuses (503)',
    );
  }, 120_000);

  it('lets through the parameter in its own region, to fail only at CloudFormation', async () => {
    const run = await deploy('us-east-1', NAME);
    expect(run.code).toBe(1);
    expect(run.output).not.toContain('accessPolicyParameter');
    expect(run.output).not.toContain('could not check');
    expect(run.output).toContain('connect ECONNREFUSED 127.0.0.1:9');
  }, 120_000);

  it('goes on, saying so, when SSM cannot be asked', async () => {
    const run = await deploy('us-east-1', NAME, NOWHERE);
    expect(run.output).toContain(`Notice: could not check that ${NAME} exists in us-east-1 (`);
    expect(run.output).not.toContain('does not exist');
  }, 120_000);
});

describe('the check itself', () => {
  it('finds only the exact name among what DescribeParameters lists', async () => {
    const listed = async () => [{ Name: `${NAME}-old`, Type: 'SecureString' }];
    expect((await parameterPlaceProblem(NAME, 'eu-west-1', listed)).problem).toContain(
      'does not exist in eu-west-1',
    );
    const none = async () => undefined;
    expect((await parameterPlaceProblem(NAME, 'eu-west-1', none)).problem).toContain(
      'does not exist',
    );
  });

  it('accepts String and SecureString, and names no value from a failure', async () => {
    for (const Type of ['String', 'SecureString']) {
      expect(await parameterPlaceProblem(NAME, 'r', async () => [{ Name: NAME, Type }])).toEqual(
        {},
      );
    }
    const failing = async () => {
      throw Object.assign(new Error('secret {"tokens_sha256":["ab"]}'), {
        name: 'AccessDeniedException',
      });
    };
    const { notice, problem } = await parameterPlaceProblem(NAME, 'r', failing);
    expect(problem).toBeUndefined();
    expect(notice).toBe(
      `Notice: could not check that ${NAME} exists in r (AccessDeniedException); the function answers 503 until it can read it there`,
    );
    const nameless = async () => {
      throw 'not an error';
    };
    expect((await parameterPlaceProblem(NAME, 'r', nameless)).notice).toContain('(unknown error)');
  });
});
