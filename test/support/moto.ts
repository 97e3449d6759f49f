import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from './local-server.ts';
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
  stop: () => Promise<void>;
}

/** Starts `moto_server` (the AWS emulator) on a loopback port of its own. */
export async function startMoto(timeoutMs = 30_000): Promise<Moto> {
  const motoServer = requireTool('moto_server', PIP("'moto[server]'"));
  const aws = requireTool('aws', PIP('awscli'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(motoServer, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
    detached: true,
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // moto's own status page answers once the server listens.
      const reply = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      if (reply.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`moto_server did not start on ${url}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const putSecureString = async (name: string, value: string): Promise<void> => {
    // --overwrite creates the parameter too, so the README's one command serves both.
    await run(
      aws,
      [
        '--endpoint-url',
        url,
        'ssm',
        'put-parameter',
        '--name',
        name,
        '--type',
        'SecureString',
        '--overwrite',
        '--value',
        value,
      ],
      { env: { ...process.env, ...EMULATOR_CREDENTIALS }, timeout: 30_000 },
    );
  };
  return { url, putSecureString, stop };
}
