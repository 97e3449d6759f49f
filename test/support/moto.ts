import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from '../../harness/local-server.ts';
import { startLoopbackService } from './loopback-service.ts';
import { PIP, requireTool } from './tools.ts';

const run = promisify(execFile);

/** Fixed test credentials: moto accepts any, and none of these is a real key. */
export const EMULATOR_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  // awscli v1 reads AWS_DEFAULT_REGION; the JavaScript SDK and awscli v2 read AWS_REGION.
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
};

export interface Moto {
  url: string;
  /** `aws ssm put-parameter … --type SecureString --overwrite`, through awscli. */
  putSecureString: (name: string, value: string) => Promise<void>;
  /** `aws ssm put-parameter … --type <type> --overwrite`, through awscli (String, StringList…). */
  putParameter: (name: string, value: string, type: string) => Promise<void>;
  /** `aws ssm delete-parameter --name …`, through awscli. */
  deleteParameter: (name: string) => Promise<void>;
  stop: () => Promise<void>;
}

/** Starts `moto_server` (the AWS emulator) on a loopback port of its own. */
export async function startMoto(timeoutMs = 30_000): Promise<Moto> {
  const motoServer = requireTool('moto_server', PIP("'moto[server]'"));
  const aws = requireTool('aws', PIP('awscli'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // moto's own status page answers once the server listens.
  const { stop } = await startLoopbackService(
    'moto_server',
    motoServer,
    ['-H', '127.0.0.1', '-p', String(port)],
    `${url}/moto-api/`,
    timeoutMs,
  );
  const ssm = async (...args: string[]): Promise<void> => {
    await run(aws, ['--endpoint-url', url, 'ssm', ...args], {
      env: { ...process.env, ...EMULATOR_CREDENTIALS },
      timeout: 30_000,
    });
  };
  // --overwrite creates the parameter too, so the README's one command serves both.
  const putParameter = (name: string, value: string, type: string) =>
    ssm('put-parameter', '--name', name, '--type', type, '--overwrite', '--value', value);
  const putSecureString = (name: string, value: string) =>
    putParameter(name, value, 'SecureString');
  const deleteParameter = (name: string) => ssm('delete-parameter', '--name', name);
  return { url, putSecureString, putParameter, deleteParameter, stop };
}
