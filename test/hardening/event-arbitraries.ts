import fc from 'fast-check';

// Arbitraries for what can reach the handler: well-formed events of every event format,
// the same with fields missing or of the wrong type, and anything at all.

const VERSION_PATH = '/_synapse/admin/v1/server_version';

/** Strings that exercise parsers: Unicode, control characters, CR/LF, NUL, huge values. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\r\nX-Injected: yes', '\u0000', '\u2028', '\uFEFF', '\uD800', 'Bearer \u0000'),
  fc.nat({ max: 200_000 }).map((n) => 'x'.repeat(n)),
);

// Weighted towards reads of the version route, so that the paths that matter most are
// also the ones generated most.
const method = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('GET', 'HEAD') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'get'),
  },
  { weight: 1, arbitrary: nastyString },
);

const path = fc.oneof(
  { weight: 4, arbitrary: fc.constant(VERSION_PATH) },
  { weight: 2, arbitrary: fc.constantFrom(`${VERSION_PATH}/`, '/health', '/', '') },
  { weight: 1, arbitrary: fc.webPath() },
  { weight: 1, arbitrary: nastyString.map((s) => `/${s}`) },
  { weight: 1, arbitrary: nastyString },
);

/** A value where a string belongs: usually a string, sometimes not. */
const looseValue = fc.oneof(
  { weight: 6, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, 42, true) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.object({ maxDepth: 1 }) },
);

/** Source addresses: real ones, one inside the tests' listed network, and junk. */
const sourceIp = fc.oneof(
  { weight: 2, arbitrary: fc.ipV4() },
  { weight: 1, arbitrary: fc.ipV6() },
  { weight: 2, arbitrary: fc.constantFrom('192.0.2.7', '192.0.2.255', '::ffff:192.0.2.7') },
  { weight: 1, arbitrary: looseValue },
);

const headerName = fc.oneof(
  fc.constantFrom(
    'authorization',
    'Authorization',
    'AUTHORIZATION',
    'x-forwarded-for',
    'host',
    'origin',
    'Origin',
  ),
  nastyString,
);

const headers = fc.oneof(
  { weight: 8, arbitrary: fc.dictionary(headerName, looseValue, { maxKeys: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, 'headers', [1, 2]) },
);
const multiValueHeaders = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.dictionary(headerName, fc.array(looseValue, { maxLength: 3 }), { maxKeys: 8 }),
  },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, 'headers', { a: 'b' }) },
);
const body = fc.option(nastyString, { nil: null });

/** Builds a record whose every key may be missing. */
const partial = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T) =>
  fc.record(model, { requiredKeys: [] });

export const payload2Event = partial({
  version: fc.oneof(fc.constant('2.0'), looseValue),
  routeKey: fc.constantFrom('$default', `ANY ${VERSION_PATH}`),
  rawPath: fc.oneof({ weight: 5, arbitrary: path }, { weight: 1, arbitrary: looseValue }),
  rawQueryString: nastyString,
  headers,
  body,
  isBase64Encoded: fc.boolean(),
  requestContext: fc.oneof(
    { weight: 8, arbitrary: partial({ http: partial({ method, path, sourceIp }) }) },
    { weight: 1, arbitrary: looseValue },
  ),
});

export const payload1Event = partial({
  resource: fc.constantFrom('/{proxy+}', VERSION_PATH),
  path,
  httpMethod: fc.oneof({ weight: 5, arbitrary: method }, { weight: 1, arbitrary: looseValue }),
  headers,
  multiValueHeaders,
  body,
  isBase64Encoded: fc.boolean(),
  requestContext: fc.oneof(
    {
      weight: 8,
      arbitrary: partial({
        stage: fc.constantFrom('prod', '$default'),
        path: path,
        identity: partial({ sourceIp }),
      }),
    },
    { weight: 1, arbitrary: looseValue },
  ),
});

const albBase = {
  httpMethod: fc.oneof({ weight: 5, arbitrary: method }, { weight: 1, arbitrary: looseValue }),
  path,
  body,
  isBase64Encoded: fc.boolean(),
  requestContext: fc.constant({ elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:tg' } }),
};
export const albEvent = partial({ ...albBase, headers });
export const albMultiValueEvent = fc.record({ ...albBase, multiValueHeaders });

/** Direct invocations and shapes no gateway sends. */
export const otherEvent = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom({}, null, undefined, 0, '', [], { requestContext: null }, { version: '2.0' }),
);

export const EVENT_KINDS = {
  'payload 2.0': payload2Event,
  'payload 1.0': payload1Event,
  'ALB, single-value headers': albEvent,
  'ALB, multi-value headers': albMultiValueEvent,
  'direct and malformed': otherEvent,
} as const;
