import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decide, parsePolicy } from '../../handler/access/policy.ts';
import { main } from '../../scripts/token.ts';
import { runMain } from '../support/run-main.ts';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** `npm run token` in this process, with `env` as its environment. */
async function token(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const { code, out, err } = await runMain((a, o) => main(a, o, env), args);
  return { status: code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function parseOutput(out: string) {
  const token = /^token {3}(\S+)$/m.exec(out)?.[1] ?? '';
  const digest = /^sha256 {2}(\S+)$/m.exec(out)?.[1] ?? '';
  const value = /--value '([^']+)'/.exec(out)?.[1] ?? '';
  const name = /--name '([^']+)'/.exec(out)?.[1] ?? '';
  return { token, digest, value, name };
}

describe('npm run token', () => {
  it('prints a fresh 256-bit token, its digest, and a policy that admits it', async () => {
    const run = await token([]);
    expect(run.status).toBe(0);
    const { token: issued, digest, value, name } = parseOutput(run.stdout);
    expect(issued).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(issued, 'base64url')).toHaveLength(32);
    expect(digest).toBe(createHash('sha256').update(issued).digest('hex'));
    expect(name).toBe('/synapse-version/access-policy');
    expect(value).toBe(JSON.stringify({ tokens_sha256: [digest] }));
    const caller = {
      authorization: [`Bearer ${issued}`],
      queryTokens: undefined,
      origins: [],
      sourceIp: undefined,
    };
    expect(decide(parsePolicy(value), caller)).toBeUndefined();
    expect(run.stdout).toContain(
      `aws ssm put-parameter --name '/synapse-version/access-policy' --type SecureString --overwrite \\\n    --value '${value}'`,
    );
  });

  it('never prints the same token twice', async () => {
    const first = parseOutput((await token([])).stdout).token;
    expect(parseOutput((await token([])).stdout).token).not.toBe(first);
  });

  it('names the parameter given with --parameter, over ACCESS_POLICY_PARAMETER', async () => {
    const run = await token(['--parameter', '/ops/version-policy'], {
      ACCESS_POLICY_PARAMETER: '/from/the/environment',
    });
    expect(parseOutput(run.stdout).name).toBe('/ops/version-policy');
  });

  it('names ACCESS_POLICY_PARAMETER, trimmed, when no --parameter is given', async () => {
    const run = await token([], { ACCESS_POLICY_PARAMETER: ' /from/the/environment ' });
    expect(parseOutput(run.stdout).name).toBe('/from/the/environment');
  });

  it('takes the default for a blank ACCESS_POLICY_PARAMETER', async () => {
    const run = await token([], { ACCESS_POLICY_PARAMETER: '  ' });
    expect(parseOutput(run.stdout).name).toBe('/synapse-version/access-policy');
  });

  it('prints its usage for --help and exits 0, with no token', async () => {
    const run = await token(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm run token \[-- --parameter \/path\/of\/the\/policy\]/);
    expect(run.stdout).toContain('else\n/synapse-version/access-policy).');
    expect(run.stdout).not.toMatch(/^token /m);
  });

  it.each([
    [['--nope'], /^error: Unknown option '--nope'/],
    [['--parameter'], /^error: Option '--parameter <value>' argument missing/],
    [['--parameter', 'other'], /^error: --parameter must be an SSM parameter path/],
    [['extra'], /^error: Unexpected argument 'extra'/],
  ])('refuses %j in one line, exit 2, no token', async (args, message) => {
    const run = await token(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  });

  it('refuses an unusable ACCESS_POLICY_PARAMETER, naming the variable', async () => {
    const run = await token([], { ACCESS_POLICY_PARAMETER: 'no-slash' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: ACCESS_POLICY_PARAMETER must be an SSM parameter path/);
  });

  it('runs as a script: a token on stdout, exit 0; a refusal on stderr, exit 2', () => {
    const script = fileURLToPath(new URL('../../scripts/token.ts', import.meta.url));
    const env = { ...process.env, ACCESS_POLICY_PARAMETER: '' };
    const ok = spawnSync(process.execPath, [script], { encoding: 'utf8', env });
    expect(ok.status).toBe(0);
    expect(parseOutput(ok.stdout).token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const refused = spawnSync(process.execPath, [script, '--nope'], { encoding: 'utf8', env });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe("error: Unknown option '--nope' (--help for usage)\n");
  });
});
