import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, send, startLocalServer } from '../support/local-server.ts';
import { type SsmEndpoint, ssmEnvironment, startSsmEndpoint } from '../support/ssm-endpoint.ts';

const VERSION = '/_synapse/admin/v1/server_version';
const TOKEN = 'svt_end-to-end-token-0123456789-abcdefghijklmnopq';
const PARAMETER = '/synapse-version/access-policy';

let ssm: SsmEndpoint;
let server: LocalServer;

beforeAll(async () => {
  const digest = createHash('sha256').update(TOKEN).digest('hex');
  ssm = await startSsmEndpoint({
    kind: 'value',
    value: JSON.stringify({ tokens_sha256: [digest] }),
  });
  // Exactly the README's command: the settings and AWS variables in the environment.
  server = await startLocalServer(ssmEnvironment(ssm, PARAMETER, 60));
});
afterAll(async () => {
  await server?.stop();
  await ssm?.close();
});

describe('npm start with an access policy from a loopback SSM endpoint', () => {
  it('answers no token with 401 M_MISSING_TOKEN', async () => {
    const reply = await send(server.baseUrl, 'GET', VERSION);
    expect(reply.status).toBe(401);
    expect(reply.body).toBe('{"errcode":"M_MISSING_TOKEN","error":"Missing access token"}');
  });

  it('answers an unlisted token with 401 M_UNKNOWN_TOKEN', async () => {
    const reply = await send(server.baseUrl, 'GET', VERSION, { authorization: 'Bearer nope' });
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body).errcode).toBe('M_UNKNOWN_TOKEN');
  });

  it('admits the listed token', async () => {
    const reply = await send(server.baseUrl, 'GET', VERSION, { authorization: `Bearer ${TOKEN}` });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toHaveProperty('server_version');
  });

  it('keeps preflights and /health open', async () => {
    expect((await send(server.baseUrl, 'OPTIONS', VERSION)).status).toBe(204);
    expect((await send(server.baseUrl, 'GET', '/health')).body).toBe('OK');
  });

  it('read the parameter from the endpoint, with decryption, and logged no token', () => {
    expect(ssm.calls.length).toBeGreaterThanOrEqual(1);
    expect(ssm.calls[0]).toMatchObject({ name: PARAMETER, withDecryption: true, signed: true });
    expect(server.output()).not.toContain(TOKEN);
  });
});
