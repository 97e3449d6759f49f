import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decide, parsePolicy } from '../../handler/access/policy.ts';

const script = fileURLToPath(new URL('../../scripts/token.ts', import.meta.url));
const runToken = (...args: string[]): string =>
  execFileSync(process.execPath, [script, ...args], { encoding: 'utf8' });

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
});
