import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalServer,
  send,
  startLocalServer,
  startOfflineService,
} from '../../harness/local-server.ts';
import { VERSION_PATH } from '../../scripts/synapse-reference.ts';
import { expectExactHeaders } from '../support/exact-headers.ts';
import { projectCopy } from '../support/project-copy.ts';

// What API Gateway's HTTP API answers when the function fails, at init or in the handler.
const GATEWAY_500 = '{"message":"Internal Server Error"}';
const fixture = fileURLToPath(new URL('../fixtures/failing-service', import.meta.url));

let failing: LocalServer;

beforeAll(async () => {
  failing = await startOfflineService(fixture);
});
afterAll(async () => {
  await failing?.stop();
});

describe('serverless-offline answers a failing function as API Gateway does', () => {
  it.each([
    ['/throws', 'handler fault'],
    ['/init-fails', 'init fault'],
  ])(
    'GET %s: 500 {"message":"Internal Server Error"}, the error in the terminal only',
    async (path, fault) => {
      const reply = await send(failing.baseUrl, 'GET', path, { origin: 'https://a.example' });
      expect(reply.status).toBe(500);
      expect(reply.body).toBe(GATEWAY_500);
      expectExactHeaders(reply, { 'content-type': 'application/json' });
      expect(reply.body).not.toContain('/secret/path');
      expect(failing.output()).toContain(`${fault} /secret/path/`);
    },
  );
});

describe('npm start with only --httpPort', () => {
  it('runs beside another instance: no second fixed port', async () => {
    const first = await startLocalServer({}, projectCopy());
    try {
      const second = await startLocalServer({}, projectCopy());
      try {
        for (const server of [first, second]) {
          expect((await send(server.baseUrl, 'GET', VERSION_PATH)).status).toBe(200);
        }
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
    }
  }, 120_000);
});
