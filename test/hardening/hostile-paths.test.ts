import { describe, expect, it } from 'vitest';
import { handler } from '../../handler/index.ts';
import { loadEvent } from '../fixtures.ts';

import { HOSTILE_PATHS } from './hostile-paths.ts';

const UNRECOGNIZED = '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}';

// Each path through each event format's own field for it.
const formats: [string, (path: string) => unknown][] = [
  [
    'payload 2.0',
    (path) => {
      const event = loadEvent('http-api-get') as { requestContext: { http: { path: string } } };
      event.requestContext.http.path = path;
      return { ...event, rawPath: path };
    },
  ],
  ['payload 1.0', (path) => ({ ...loadEvent('rest-api-get'), path })],
  ['ALB', (path) => ({ ...loadEvent('alb-get'), path })],
  ['ALB multi-value', (path) => ({ ...loadEvent('alb-multi-value-get'), path })],
];

describe.each(formats)('hostile paths through %s', (_format, eventFor) => {
  it.each(HOSTILE_PATHS.map((path) => [JSON.stringify(path).slice(0, 60), path]))(
    'GET %s is the documented 404',
    async (_label, path) => {
      const result = (await handler(eventFor(path))) as { statusCode: number; body: string };
      expect(result.statusCode).toBe(404);
      expect(result.body).toBe(UNRECOGNIZED);
    },
  );
});
