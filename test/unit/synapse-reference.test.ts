import { describe, expect, it } from 'vitest';
import type { PolicyRefusal } from '../../handler/access/caller.ts';
import { createResponder } from '../../handler/responder.ts';
import {
  FORBIDDEN,
  MISSING_TOKEN,
  synapseJsonHeaders,
  UNKNOWN_TOKEN,
  UNRECOGNIZED,
  VERSION_PATH,
} from '../../scripts/synapse-reference.ts';

// The reference table (what `npm run smoke` and the tests expect) and the responder are
// written apart from each other; they must agree, byte for byte, on Synapse's refusals.
const respond = createResponder({ server_version: '1.140.0' });
const headersByLowerName = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

describe("the reference's answers are the responder's", () => {
  it.each([
    ['missing-token', 401, MISSING_TOKEN],
    ['unknown-token', 401, UNKNOWN_TOKEN],
    ['forbidden', 403, FORBIDDEN],
  ] as const)('%s: %d %s', (refusal: PolicyRefusal, status, body) => {
    const answer = respond({ method: 'GET', path: VERSION_PATH }, refusal);
    expect(answer).toMatchObject({ status, body });
    expect(headersByLowerName(answer.headers)).toEqual(synapseJsonHeaders('1.140.0'));
  });

  it.each([
    ['GET', '/_synapse/admin/v1/server_versions', 404],
    ['POST', VERSION_PATH, 405],
  ])('%s %s: %d M_UNRECOGNIZED', (method, path, status) => {
    expect(respond({ method, path })).toMatchObject({ status, body: UNRECOGNIZED });
  });
});
