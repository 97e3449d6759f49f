import { expect } from 'vitest';

export const DOCUMENTED_STATUSES = new Set([200, 204, 401, 403, 404, 405, 500, 503]);

interface AnyResult {
  statusCode?: unknown;
  statusDescription?: unknown;
  headers?: Record<string, unknown>;
  multiValueHeaders?: Record<string, unknown[]>;
  body?: unknown;
  isBase64Encoded?: unknown;
}

/**
 * The invariants every HTTP answer keeps: a documented status; a string body, JSON with an
 * errcode when not 2xx; no body for HEAD and OPTIONS; every header value one of the
 * values the function itself sends, so a string without CR or LF and nothing echoed from
 * the request.
 */
export function expectWellFormed(
  result: unknown,
  method: string,
  allowedHeaderValues: ReadonlySet<string>,
  statuses: ReadonlySet<number> = DOCUMENTED_STATUSES,
): void {
  const answer = result as AnyResult;
  expect(typeof answer.statusCode).toBe('number');
  const status = answer.statusCode as number;
  expect(statuses.has(status), `status ${status}`).toBe(true);
  expect(typeof answer.body).toBe('string');
  expect(answer.isBase64Encoded).toBe(false);
  const body = answer.body as string;
  if (method === 'HEAD' || method === 'OPTIONS') expect(body).toBe('');
  else if (status >= 300) expect(typeof JSON.parse(body).errcode).toBe('string');
  const values = [
    ...Object.values(answer.headers ?? {}),
    ...Object.values(answer.multiValueHeaders ?? {}).flat(),
  ];
  expect(values.length).toBeGreaterThan(0);
  for (const value of values) {
    expect(typeof value).toBe('string');
    expect(value as string).not.toMatch(/[\r\n]/);
    expect(allowedHeaderValues.has(value as string), `header value ${String(value)}`).toBe(true);
  }
  if (answer.statusDescription !== undefined) {
    expect(answer.statusDescription).toMatch(new RegExp(`^${status}( [A-Za-z ]+)?$`));
  }
}
