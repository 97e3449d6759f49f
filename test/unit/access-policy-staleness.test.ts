// The access policy when a refresh says there is none, when it fails with no staleness
// given, past the staleness bound, and back.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SERVER_ERROR, type SsmBehaviour, THROTTLED } from '../../harness/ssm-endpoint.ts';

import {
  ask,
  coldStart,
  DEFINITIVE,
  GOOD,
  MAX_STALE_SECONDS,
  ssm,
  TOKEN,
  TRANSIENT,
  TTL_SECONDS,
  useSsmEndpoint,
  versionRead,
} from './policy-instance.ts';

useSsmEndpoint();

// A definitive answer drops the policy even with a staleness bound given; a transient fault
// does too when none is (the default).
const AFTER_THE_TTL: [string, SsmBehaviour, number | 'unset'][] = [
  ...DEFINITIVE.map(([name, fault]): [string, SsmBehaviour, number] => [
    `says ${name}`,
    fault,
    600,
  ]),
  ...TRANSIENT.map(([name, fault]): [string, SsmBehaviour, 'unset'] => [
    `fails with ${name} and no staleness is given`,
    fault,
    'unset',
  ]),
];

describe.each(AFTER_THE_TTL)('when a refresh %s', (_name, fault, maxStale) => {
  it('answers 503 once the TTL has passed, as a cold start would, never the last good policy', async () => {
    const handler = await coldStart(GOOD, maxStale);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    ssm.behave(fault);
    await sleep(TTL_SECONDS * 1_000 + 100);
    const warm = await ask(handler, versionRead(`Bearer ${TOKEN}`, '203.0.113.5'));
    const cold = await ask(
      await coldStart(fault, maxStale),
      versionRead(`Bearer ${TOKEN}`, '203.0.113.5'),
    );
    expect(warm.statusCode).toBe(503);
    expect(warm).toEqual(cold);
  });
});

describe('the staleness bound', () => {
  it('refuses reads (503) once a stale policy has served its bound through transient faults', async () => {
    const handler = await coldStart(GOOD, MAX_STALE_SECONDS);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    ssm.behave(THROTTLED);
    await sleep(TTL_SECONDS * 1_000 + 100);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    await sleep(MAX_STALE_SECONDS * 1_000);
    const refused = await ask(handler, versionRead(`Bearer ${TOKEN}`));
    expect(refused.statusCode).toBe(503);
    expect(refused.headers.Server).toBe('Synapse');
  });
});

describe('recovery from a cold start without a policy', () => {
  it('admits again once SSM answers, without a new cold start', async () => {
    const handler = await coldStart(SERVER_ERROR);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(503);
    ssm.behave(GOOD);
    await sleep(TTL_SECONDS * 1_000 + 100);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
  });
});
