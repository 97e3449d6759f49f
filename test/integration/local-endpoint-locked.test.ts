import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, send, startLocalServer } from '../../scripts/servers/local-server.ts';
import {
  BROWSER_PREFLIGHT,
  MISSING_TOKEN,
  synapseJsonHeaders,
  UNKNOWN_TOKEN,
  VERSION_PATH as VERSION,
} from '../../scripts/synapse-reference.ts';
import { expectExactHeaders } from '../support/exact-headers.ts';
import { EMULATOR_CREDENTIALS, type Moto, startMoto } from '../support/moto.ts';
import { synadmVersion } from '../support/synadm.ts';

// The README's locked-mode quick start, end to end: moto_server as SSM, the policy put
// with awscli as a SecureString, `npm start` reading it through the real AWS SDK.
const PARAMETER = '/synapse-version/access-policy';
const TTL_SECONDS = 1;
const newToken = (): string => randomBytes(32).toString('base64url');
const digest = (token: string): string => createHash('sha256').update(token).digest('hex');
const policy = (...tokens: string[]): string =>
  JSON.stringify({ tokens_sha256: tokens.map(digest) });

const first = newToken();
const second = newToken();
let moto: Moto;
let server: LocalServer;
let serverVersion: string;

beforeAll(async () => {
  moto = await startMoto();
  await moto.putSecureString(PARAMETER, policy(first));
  server = await startLocalServer({
    ACCESS_POLICY_PARAMETER: PARAMETER,
    ACCESS_POLICY_TTL_SECONDS: String(TTL_SECONDS),
    AWS_ENDPOINT_URL_SSM: moto.url,
    ...EMULATOR_CREDENTIALS,
  });
  serverVersion = /baked server_version: (.+) \(with/.exec(server.output())?.[1] ?? '';
});
afterAll(async () => {
  await server?.stop();
  await moto?.stop();
});

const read = (token?: string) =>
  send(server.baseUrl, 'GET', VERSION, token ? { authorization: `Bearer ${token}` } : {});
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('npm start with a SecureString policy in moto_server', () => {
  it('refuses no token: 401 M_MISSING_TOKEN with Synapse headers, Server: Synapse alone', async () => {
    const reply = await read();
    expect(reply.status).toBe(401);
    expect(reply.body).toBe(MISSING_TOKEN);
    expectExactHeaders(reply, synapseJsonHeaders());
  });

  it('tells a stranger nothing of the version, from any answer', async () => {
    const replies = [
      await read(),
      await read(second),
      await send(server.baseUrl, 'HEAD', VERSION),
      await send(server.baseUrl, 'OPTIONS', VERSION, BROWSER_PREFLIGHT),
      await send(server.baseUrl, 'GET', '/health'),
      await send(server.baseUrl, 'GET', `${VERSION}/`),
      await send(server.baseUrl, 'POST', VERSION),
    ];
    expect(replies.map((reply) => reply.status)).toEqual([401, 401, 401, 204, 200, 404, 405]);
    for (const reply of replies) {
      expect(reply.headers.server).toBe('Synapse');
      const whole = JSON.stringify(reply);
      for (const fragment of [serverVersion, ...serverVersion.split(/[ (),]+/).filter(Boolean)]) {
        expect(whole).not.toContain(fragment);
      }
    }
  });

  it('refuses two Authorization headers, both with the listed token, as API Gateway joins them', async () => {
    const reply = await send(server.baseUrl, 'GET', VERSION, {
      authorization: [`Bearer ${first}`, `Bearer ${first}`],
    });
    expect(reply.status).toBe(401);
    expect(reply.body).toBe(MISSING_TOKEN);
  });

  it('refuses an unlisted token: 401 M_UNKNOWN_TOKEN', async () => {
    const reply = await read(second);
    expect(reply.status).toBe(401);
    expect(reply.body).toBe(UNKNOWN_TOKEN);
  });

  it('admits the listed token, with Synapse headers, version included', async () => {
    const reply = await read(first);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).server_version).toBe(serverVersion);
    expectExactHeaders(reply, synapseJsonHeaders(serverVersion));
  });

  it('synadm with the token prints the version; with another, the Matrix error', async () => {
    const admitted = await synadmVersion(server.baseUrl, first);
    expect(admitted.code).toBe(0);
    expect(JSON.parse(admitted.stdout).server_version).toBe(serverVersion);
    const refused = await synadmVersion(server.baseUrl, second);
    // synadm reports the status on stderr and prints the body it got.
    expect(refused.stderr).toContain('returned status code 401');
    expect(JSON.parse(refused.stdout)).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN' });
  });

  it('keeps preflights and /health open', async () => {
    expect((await send(server.baseUrl, 'OPTIONS', VERSION)).status).toBe(204);
    expect((await send(server.baseUrl, 'GET', '/health')).body).toBe('OK');
  });

  it('rotates within the TTL: both tokens, then the new one alone', async () => {
    await moto.putSecureString(PARAMETER, policy(first, second));
    await pause(TTL_SECONDS * 1_000 + 300);
    expect((await read(first)).status).toBe(200);
    expect((await read(second)).status).toBe(200);
    await moto.putSecureString(PARAMETER, policy(second));
    await pause(TTL_SECONDS * 1_000 + 300);
    expect((await read(first)).status).toBe(401);
    expect((await read(second)).status).toBe(200);
  });

  it('admits a digest put in upper case; refuses everyone once the list is emptied', async () => {
    await moto.putSecureString(
      PARAMETER,
      JSON.stringify({ tokens_sha256: [digest(first).toUpperCase()] }),
    );
    await pause(TTL_SECONDS * 1_000 + 300);
    expect((await read(first)).status).toBe(200);
    await moto.putSecureString(PARAMETER, '{"tokens_sha256":[]}');
    await pause(TTL_SECONDS * 1_000 + 300);
    expect((await read(first)).status).toBe(401);
    expect((await read()).status).toBe(401);
  });

  it('never admits this IPv4 caller by an IPv6 rule such as ::/0', async () => {
    await moto.putSecureString(PARAMETER, '{"source_cidrs":["::/0"]}');
    await pause(TTL_SECONDS * 1_000 + 300);
    const reply = await read();
    expect(reply.status).toBe(403);
    expect(reply.headers.server).toBe('Synapse');
  });

  it('answers 503 once the TTL has passed after a value that does not parse, then the parameter deleted', async () => {
    await moto.putSecureString(PARAMETER, policy(first));
    await pause(TTL_SECONDS * 1_000 + 300);
    expect((await read(first)).status).toBe(200);
    await moto.putSecureString(PARAMETER, '{"tokens_sha256": [');
    await pause(TTL_SECONDS * 1_000 + 300);
    const invalid = await read(first);
    expect(invalid.status).toBe(503);
    expect(invalid.headers.server).toBe('Synapse');
    await moto.putSecureString(PARAMETER, policy(first));
    await pause(TTL_SECONDS * 1_000 + 300);
    expect((await read(first)).status).toBe(200);
    await moto.deleteParameter(PARAMETER);
    await pause(TTL_SECONDS * 1_000 + 300);
    expect((await read(first)).status).toBe(503);
    expect(server.output()).toMatch(/access policy refresh failing: ParameterNotFound/);
  });

  it('logged no token', () => {
    // The server's output is there to search: its banner and the refresh failures above.
    expect(server.output()).toContain('Server ready');
    for (const token of [first, second]) expect(server.output()).not.toContain(token);
  });
});
