import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_FAILING } from '../../handler/access/policy-cache.ts';
import { POLICY_RETRY_SECONDS } from '../../handler/access-settings.ts';
import { build } from '../../scripts/build.ts';
import {
  DENIED,
  NOT_FOUND,
  type SsmBehaviour,
  type SsmEndpoint,
  ssmEnvironment,
  startSsmEndpoint,
  THROTTLED,
} from '../../scripts/servers/ssm-endpoint.ts';
import { exportProject, freshDir } from '../build/workspace.ts';
import { loadEvent } from '../fixtures.ts';
import { type BundleProcess, startBundle } from '../support/bundle-process.ts';

// Locked mode as an attacker meets it: the bundle `npm run build` writes, in a process of
// its own as Lambda holds an instance, reading its policy over HTTP from a loopback SSM.
const VERSION = '1.141.0 (b=secret-branch,t=v1.141.0,abc1234,dirty)';
// Any of these in an answer tells a stranger something of the version.
const FRAGMENTS = ['1.141', 'secret-branch', 'abc1234', 'dirty', process.versions.node];
const TOKEN = 'svt_locked-bundle-token-0123456789-abcdefghijklmnop';
const DIGEST = createHash('sha256').update(TOKEN).digest('hex');
const TTL_SECONDS = 1;
const GOOD: SsmBehaviour = {
  kind: 'value',
  value: JSON.stringify({ tokens_sha256: [DIGEST], source_cidrs: ['203.0.113.0/24'] }),
};
const value = (policy: unknown): SsmBehaviour => ({
  kind: 'value',
  value: JSON.stringify(policy),
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
}

let parent: string;
let root: string;
let ssm: SsmEndpoint;
let instances: BundleProcess[] = [];
let parameters = 0;

beforeAll(async () => {
  parent = freshDir();
  root = exportProject(parent, '1.141.0');
  await build({ SYNAPSE_VERSION_STRING: VERSION }, root);
  ssm = await startSsmEndpoint(GOOD);
}, 120_000);
afterEach(() => {
  for (const instance of instances) {
    // Nothing an instance logs may carry the token or its digest.
    expect(instance.log()).not.toContain(TOKEN);
    expect(instance.log()).not.toContain(DIGEST);
    instance.stop();
  }
  instances = [];
});
afterAll(async () => {
  await ssm?.close();
  rmSync(parent, { recursive: true, force: true });
});

/** A cold start of the bundle in `at` (the export's root by default), reading `behaviour`. */
async function coldStart(
  behaviour: SsmBehaviour,
  env: Record<string, string> = {},
  at: string = root,
): Promise<BundleProcess> {
  ssm.behave(behaviour);
  parameters++;
  const instance = await startBundle(at, {
    ...ssmEnvironment(ssm, `/locked-bundle/policy-${parameters}`, TTL_SECONDS),
    ACCESS_POLICY_MAX_STALE_SECONDS: '600',
    ...env,
  });
  instances.push(instance);
  return instance;
}

function read(authorization?: string, sourceIp = '192.0.2.10'): Record<string, unknown> {
  const event = loadEvent('http-api-get') as {
    headers: Record<string, string>;
    requestContext: { http: { sourceIp: string } };
  };
  if (authorization !== undefined) event.headers.authorization = authorization;
  event.requestContext.http.sourceIp = sourceIp;
  return event;
}

const ask = async (instance: BundleProcess, event: unknown): Promise<Answer> =>
  (await instance.ask(event)) as Answer;

const serverOf = (answer: Answer): string | undefined =>
  answer.headers?.Server ?? answer.multiValueHeaders?.Server?.[0];

/** The whole answer, every header and the body, says nothing of the version. */
function expectNothingOfTheVersion(answer: Answer): void {
  const whole = JSON.stringify(answer);
  for (const fragment of FRAGMENTS)
    expect(whole, `${fragment} in ${whole}`).not.toContain(fragment);
  expect(serverOf(answer)).toBe('Synapse');
}

describe('a caller the policy did not admit learns nothing of the version', () => {
  it('from any refusal, preflight, /health, 404 or 405, through every front door', async () => {
    const instance = await coldStart(GOOD);
    const answers: [string, Answer, number][] = [];
    const note = async (name: string, event: unknown, status: number) => {
      answers.push([name, await ask(instance, event), status]);
    };
    await note('no token', read(), 401);
    await note('a wrong token', read('Bearer svt_wrong'), 401);
    await note('HEAD, no token', loadEvent('http-api-head'), 401);
    await note('payload 1.0, no token', loadEvent('rest-api-get'), 401);
    await note('ALB, no token', loadEvent('alb-get'), 401);
    await note('ALB multi-value, no token', loadEvent('alb-multi-value-get'), 401);
    await note('a preflight', loadEvent('http-api-preflight'), 204);
    await note('/health', loadEvent('http-api-health'), 200);
    await note('a trailing slash', loadEvent('http-api-trailing-slash'), 404);
    await note('a POST', loadEvent('http-api-post'), 405);
    for (const [name, answer, status] of answers) {
      expect(answer.statusCode, name).toBe(status);
      expectNothingOfTheVersion(answer);
    }
  });

  it('from a networks-only policy (403), an unreadable one (503), and an unusable setting (500)', async () => {
    const networks = await coldStart(value({ source_cidrs: ['203.0.113.0/24'] }));
    const forbidden = await ask(networks, read(`Bearer ${TOKEN}`));
    expect(forbidden.statusCode).toBe(403);
    expectNothingOfTheVersion(forbidden);

    const unreadable = await coldStart(DENIED);
    const unavailable = await ask(unreadable, read(`Bearer ${TOKEN}`, '203.0.113.5'));
    expect(unavailable.statusCode).toBe(503);
    expectNothingOfTheVersion(unavailable);

    const misconfigured = await coldStart(GOOD, { ACCESS_POLICY_TTL_SECONDS: 'ten' });
    for (const event of [read(`Bearer ${TOKEN}`), loadEvent('http-api-health')]) {
      const broken = await ask(misconfigured, event);
      expect(broken.statusCode).toBe(500);
      expectNothingOfTheVersion(broken);
    }
  });

  it("while an admitted read gets Synapse's whole answer, version included", async () => {
    const instance = await coldStart(GOOD);
    for (const event of [read(`Bearer ${TOKEN}`), read(undefined, '203.0.113.5')]) {
      const admitted = await ask(instance, event);
      expect(admitted.statusCode).toBe(200);
      expect(serverOf(admitted)).toBe(`Synapse/${VERSION}`);
      expect(JSON.parse(admitted.body).server_version).toBe(VERSION);
    }
  });

  it('a direct invocation, which IAM has authenticated, gets the version document', async () => {
    const instance = await coldStart(GOOD);
    expect(await instance.ask({})).toEqual({
      server_version: VERSION,
      python_version: process.versions.node,
    });
  });
});

describe('a policy without rules admits nobody', () => {
  it.each([
    {},
    { tokens_sha256: [] },
    { tokens_sha256: null },
    { source_cidrs: [] },
    { tokens_sha256: [], source_cidrs: [] },
  ])('%j: 401 with or without the token that was listed', async (policy) => {
    const instance = await coldStart(value(policy));
    expect((await ask(instance, read())).statusCode).toBe(401);
    expect((await ask(instance, read(`Bearer ${TOKEN}`, '203.0.113.5'))).statusCode).toBe(401);
    expect((await ask(instance, read(undefined, '2001:db8::1'))).statusCode).toBe(401);
  });

  it('revokes in place: emptying the list of a warm instance locks everyone out within the TTL', async () => {
    const instance = await coldStart(value({ tokens_sha256: [DIGEST] }));
    expect((await ask(instance, read(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    ssm.behave(value({ tokens_sha256: [] }));
    await sleep(TTL_SECONDS * 1_000 + 100);
    const revoked = await ask(instance, read(`Bearer ${TOKEN}`));
    expect(revoked.statusCode).toBe(401);
    expect(JSON.parse(revoked.body).errcode).toBe('M_UNKNOWN_TOKEN');
  });
});

describe('a warm instance answers what a cold start would once the TTL has passed', () => {
  it.each([
    ['the parameter deleted', NOT_FOUND],
    ['read permission removed', DENIED],
    ['a value that is not JSON', { kind: 'value', value: '{"tokens_sha256":' } as const],
    ['a value that does not validate', value({ tokens_sha256: ['not-a-digest'] })],
  ])('%s: 503, never the last good policy', async (_name, fault) => {
    const warm = await coldStart(GOOD);
    expect((await ask(warm, read(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    ssm.behave(fault);
    await sleep(TTL_SECONDS * 1_000 + 100);
    const fromWarm = await ask(warm, read(`Bearer ${TOKEN}`));
    const fromCold = await ask(await coldStart(fault), read(`Bearer ${TOKEN}`));
    expect(fromWarm.statusCode).toBe(503);
    expect(fromWarm).toEqual(fromCold);
    expect(warm.log()).toContain(`${REFRESH_FAILING}: `);
  });

  it('throttling keeps the last good policy only within ACCESS_POLICY_MAX_STALE_SECONDS', async () => {
    const warm = await coldStart(GOOD, { ACCESS_POLICY_MAX_STALE_SECONDS: '3' });
    expect((await ask(warm, read(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    ssm.behave(THROTTLED);
    await sleep(TTL_SECONDS * 1_000 + 100);
    expect((await ask(warm, read(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    await sleep(3_000);
    const past = await ask(warm, read(`Bearer ${TOKEN}`));
    expect(past.statusCode).toBe(503);
    expectNothingOfTheVersion(past);
    // One line per failed read, each saying what it did, none carrying the value.
    const failures = warm
      .log()
      .split('\n')
      .filter((line) => line.includes(REFRESH_FAILING));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures[0]).toMatch(/ThrottlingException.*; transient; keeping the last good policy/);
    expect(failures.at(-1)).toMatch(/; transient; refusing reads \(503\) until a read succeeds/);
  });
});

describe('source networks', () => {
  it.each(['::/0', '::/64', '::/80', '::ffff:0:0/96'])(
    '%s admits no IPv4 caller, and IPv6 callers by their own rule',
    async (cidr) => {
      const instance = await coldStart(value({ source_cidrs: [cidr] }));
      for (const sourceIp of ['203.0.113.9', '198.51.100.1', '::ffff:203.0.113.9']) {
        expect((await ask(instance, read(undefined, sourceIp))).statusCode, sourceIp).toBe(403);
      }
      if (cidr === '::/0')
        expect((await ask(instance, read(undefined, '2001:db8::1'))).statusCode).toBe(200);
    },
  );
});

describe('digests', () => {
  it('admit a token listed by an upper-case digest, as PowerShell prints it', async () => {
    const instance = await coldStart(value({ tokens_sha256: [DIGEST.toUpperCase()] }));
    expect((await ask(instance, read(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    expect((await ask(instance, read('Bearer svt_other'))).statusCode).toBe(401);
  });
});

describe('policy code that does not load', () => {
  it('answers Synapse 500 without Retry-After, logs why, and loads it on a later request', async () => {
    // A package of its own, whose chunks (the policy code and the SDK) go missing.
    const copy = mkdtempSync(join(tmpdir(), 'synapse-version-chunks-'));
    try {
      cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true });
      renameSync(join(copy, 'dist/chunks'), join(copy, 'chunks-aside'));
      const instance = await coldStart(GOOD, {}, copy);
      for (const event of [read(`Bearer ${TOKEN}`), loadEvent('http-api-health')]) {
        const answer = await ask(instance, event);
        expect(answer.statusCode).toBe(500);
        expect(answer.body).toBe('{"errcode":"M_UNKNOWN","error":"Internal server error"}');
        expect(answer.headers).not.toHaveProperty('Retry-After');
        expectNothingOfTheVersion(answer);
      }
      expect(instance.log()).toContain('loading the access-policy code failed');
      renameSync(join(copy, 'chunks-aside'), join(copy, 'dist/chunks'));
      await sleep(POLICY_RETRY_SECONDS * 1_000 + 100);
      expect((await ask(instance, read(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
