import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decide, parsePolicy } from '../../handler/access/policy.ts';

const script = fileURLToPath(new URL('../../scripts/token.ts', import.meta.url));
const runToken = (...args: string[]): string =>
  execFileSync(process.execPath, [script, ...args], { encoding: 'utf8' });
const tryToken = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ACCESS_POLICY_PARAMETER: '', ...env },
  });

function parseOutput(out: string) {
  const token = /^token {3}(\S+)$/m.exec(out)?.[1] ?? '';
  const digest = /^sha256 {2}(\S+)$/m.exec(out)?.[1] ?? '';
  const value = /--value '([^']+)'/.exec(out)?.[1] ?? '';
  const name = /--name '([^']+)'/.exec(out)?.[1] ?? '';
  return { token, digest, value, name };
}

describe('npm run token', () => {
  it('prints a fresh 256-bit token, its digest, and a policy that admits it', () => {
    const { token, digest, value, name } = parseOutput(runToken());
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(digest).toBe(createHash('sha256').update(token).digest('hex'));
    expect(name).toBe('/synapse-version/access-policy');
    expect(value).not.toContain(token);
    const caller = { authorization: [`Bearer ${token}`], sourceIp: undefined };
    expect(decide(parsePolicy(value), caller)).toBeUndefined();
  });

  it('never prints the same token twice', () => {
    expect(parseOutput(runToken()).token).not.toBe(parseOutput(runToken()).token);
  });

  it('names the parameter given with --parameter', () => {
    expect(parseOutput(runToken('--parameter', '/ops/version-policy')).name).toBe(
      '/ops/version-policy',
    );
  });

  it('prints its usage for --help and exits 0', () => {
    const run = tryToken(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm run token/);
    expect(run.stdout).not.toMatch(/^token /m);
  });

  it.each([
    [['--nope'], /^error: Unknown option '--nope'/],
    [['--parameter'], /^error: Option '--parameter <value>' argument missing/],
    [['--parameter', 'other'], /^error: --parameter must be an SSM parameter path/],
    [['extra'], /^error: Unexpected argument 'extra'/],
  ])('refuses %j in one line, exit 2, no token', (args, message) => {
    const run = tryToken(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  });

  it('refuses an unusable ACCESS_POLICY_PARAMETER, naming the variable', () => {
    const run = tryToken([], { ACCESS_POLICY_PARAMETER: 'no-slash' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: ACCESS_POLICY_PARAMETER must be an SSM parameter path/);
  });
});
