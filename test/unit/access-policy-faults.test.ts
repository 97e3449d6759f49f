// The access policy when SSM fails: on a cold start, and on a refresh it rides out.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { POLICY_RETRY_SECONDS } from '../../handler/access-settings.ts';

import {
  ask,
  coldStart,
  DEFINITIVE,
  GOOD,
  OTHER_NETWORK,
  ssm,
  TOKEN,
  TRANSIENT,
  TTL_SECONDS,
  useSsmEndpoint,
  versionRead,
  warnings,
} from './policy-instance.ts';

useSsmEndpoint();

describe.each([...TRANSIENT, ...DEFINITIVE])('when SSM fails with %s', (_name, fault) => {
  it('fails closed on a cold start: 503 M_UNKNOWN with Retry-After, within a few seconds', async () => {
    // Init (the first, failing read) and the first request together, as a caller waits.
    const started = performance.now();
    const handler = await coldStart(fault);
    const result = await ask(handler, versionRead(`Bearer ${TOKEN}`, '203.0.113.5'));
    const elapsed = performance.now() - started;
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).toMatchObject({ errcode: 'M_UNKNOWN' });
    expect(result.headers['Retry-After']).toBe(String(POLICY_RETRY_SECONDS));
    // A bound on the answer, not a benchmark: well inside Lambda's 10 s init limit and
    // the function's 5 s timeout together.
    expect(elapsed).toBeLessThan(4_000);
    expect(warnings.join('\n')).toMatch(/access policy refresh failing: .*refusing reads \(503\)/);
  });
});

describe.each(TRANSIENT)('when a refresh fails with %s', (_name, fault) => {
  it('keeps the last good policy serving within the staleness bound, then recovers', async () => {
    const handler = await coldStart(GOOD);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    ssm.behave(fault);
    await sleep(TTL_SECONDS * 1_000 + 100);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    expect((await ask(handler, versionRead())).statusCode).toBe(401);
    expect(warnings.join('\n')).toMatch(
      /access policy refresh failing: .*; transient; keeping the last good policy for at most \d+ s more/,
    );
    // Recovery: a new policy that no longer lists the token takes effect.
    ssm.behave(OTHER_NETWORK);
    await sleep(TTL_SECONDS * 1_000 + 100);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(403);
    expect((await ask(handler, versionRead(undefined, '198.51.100.9'))).statusCode).toBe(200);
  });
});
