import { inspect } from 'node:util';
import type { ALBResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readCaller, readEvent, shapeResult } from '../../handler/http-events.ts';
import { handler } from '../../handler/index.ts';
import { TEST_SERVER_VERSION } from '../build-info-for-tests.ts';
import { loadEvent } from '../fixtures.ts';

const DOCUMENT = `{"server_version":"${TEST_SERVER_VERSION}","python_version":"${process.versions.node}"}`;
const SERVER = `Synapse/${TEST_SERVER_VERSION}`;

type V2 = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string> };
const invoke = async <T>(event: unknown): Promise<T> => (await handler(event)) as T;

describe('payload 2.0: HTTP API and function URLs', () => {
  it.each(['http-api-get', 'function-url-get'])('answers %s with the document', async (name) => {
    const result = await invoke<V2>(loadEvent(name));
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe(DOCUMENT);
    expect(result.headers.Server).toBe(SERVER);
    expect(result.isBase64Encoded).toBe(false);
    expect(result).not.toHaveProperty('multiValueHeaders');
  });

  it.each([
    ['http-api-head', 200, ''],
    ['http-api-post', 405, '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}'],
    ['http-api-preflight', 204, ''],
    ['http-api-trailing-slash', 404, '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}'],
    ['http-api-health', 200, 'OK'],
  ])('answers %s with %i', async (name, status, body) => {
    const result = await invoke<V2>(loadEvent(name));
    expect(result.statusCode).toBe(status);
    expect(result.body).toBe(body);
  });

  it('ignores the query string, the token and an HTML Accept header', async () => {
    const result = await invoke<V2>(loadEvent('http-api-query-and-token'));
    expect(result.statusCode).toBe(200);
    expect(result.headers['Content-Type']).toBe('application/json');
    expect(result.body).toBe(DOCUMENT);
  });
});

describe('payload 1.0: REST API', () => {
  it('matches on the path without the stage', async () => {
    const event = loadEvent('rest-api-get');
    expect(event.requestContext).toMatchObject({ path: '/prod/_synapse/admin/v1/server_version' });
    const result = await invoke<V2>(event);
    expect(result).toMatchObject({ statusCode: 200, body: DOCUMENT, isBase64Encoded: false });
    expect(result.headers['Access-Control-Allow-Origin']).toBe('*');
  });

  it('answers other methods with 405 and other paths with 404', async () => {
    const event = loadEvent('rest-api-get');
    expect((await invoke<V2>({ ...event, httpMethod: 'DELETE' })).statusCode).toBe(405);
    expect((await invoke<V2>({ ...event, path: '/prod/x' })).statusCode).toBe(404);
  });
});

describe('Application Load Balancer', () => {
  it('answers single-value events with headers and a status description', async () => {
    const result = await invoke<ALBResult>(loadEvent('alb-get'));
    expect(result).toMatchObject({
      statusCode: 200,
      statusDescription: '200 OK',
      body: DOCUMENT,
      isBase64Encoded: false,
    });
    expect(result.headers?.Server).toBe(SERVER);
    expect(result).not.toHaveProperty('multiValueHeaders');
  });

  it('answers multi-value events with multi-value headers', async () => {
    const result = await invoke<ALBResult>(loadEvent('alb-multi-value-get'));
    expect(result.statusDescription).toBe('200 OK');
    expect(result.multiValueHeaders?.Server).toEqual([SERVER]);
    expect(result.multiValueHeaders?.['Content-Type']).toEqual(['application/json']);
    expect(result).not.toHaveProperty('headers');
  });

  it('describes a 404 as load balancers expect', async () => {
    const result = await invoke<ALBResult>({ ...loadEvent('alb-get'), path: '/metrics' });
    expect(result.statusDescription).toBe('404 Not Found');
  });
});

describe('direct invocations and malformed events', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['the empty event', loadEvent('direct-invoke')],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'hello'],
    ['an array', [1, 2]],
    ['a scheduled event', { source: 'aws.events', 'detail-type': 'Scheduled Event' }],
  ])('answers %s with the version document itself', async (_name, event) => {
    expect(await handler(event)).toEqual({
      server_version: TEST_SERVER_VERSION,
      python_version: process.versions.node,
    });
  });

  it.each([
    [
      'payload 2.0 without rawPath or method',
      { version: '2.0', requestContext: { http: {} } },
      404,
    ],
    [
      'payload 2.0 with numbers',
      { version: '2.0', rawPath: 7, requestContext: { http: { method: 5, sourceIp: 1 } } },
      404,
    ],
    [
      'payload 2.0 with null headers',
      { ...loadEvent('http-api-get'), headers: null, requestContext: { http: { method: 'GET' } } },
      200,
    ],
    ['payload 1.0 with a null method', { httpMethod: null, path: '/health' }, 405],
    [
      'ALB with a broken header map',
      { requestContext: { elb: {} }, httpMethod: 'GET', path: '/health', headers: [1] },
      200,
    ],
  ])('answers %s without throwing', async (_name, event, status) => {
    const result = await invoke<V2>(event);
    expect(result.statusCode).toBe(status);
  });
});

describe('ALB status descriptions', () => {
  it.each([
    [200, '200 OK'],
    [204, '204 No Content'],
    [401, '401 Unauthorized'],
    [403, '403 Forbidden'],
    [404, '404 Not Found'],
    [405, '405 Method Not Allowed'],
    [500, '500 Internal Server Error'],
    [503, '503 Service Unavailable'],
    [418, '418'],
  ])('%i is described as %j, in both ALB forms', (status, description) => {
    const answer = { status, headers: { Server: SERVER }, body: '' };
    expect(shapeResult('alb', answer)).toMatchObject({ statusDescription: description });
    expect(shapeResult('alb-multi-value', answer)).toMatchObject({
      statusDescription: description,
      multiValueHeaders: { Server: [SERVER] },
    });
  });
});

describe('faults while answering', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers 500 M_UNKNOWN and logs no part of the event', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const event = {
      version: '2.0',
      headers: { authorization: 'Bearer secret-token-value' },
      requestContext: { http: { method: 'GET' } },
      get rawPath(): string {
        throw new Error('unreadable path');
      },
    };
    const result = await invoke<V2>(event);
    expect(result.statusCode).toBe(500);
    expect(result.body).toBe('{"errcode":"M_UNKNOWN","error":"Internal server error"}');
    expect(result.headers.Server).toBe(SERVER);
    expect(logged).toHaveBeenCalledOnce();
    expect(logged.mock.calls[0]?.[0]).toBe('answering a request failed');
    expect(logged.mock.calls[0]?.[1]).toMatchObject({ message: 'unreadable path' });
    expect(inspect(logged.mock.calls, { depth: 8 })).not.toContain('secret');
  });
});

describe('what the access policy is told of the caller', () => {
  const NOBODY = { authorization: [], queryTokens: undefined, origins: [], sourceIp: undefined };
  const callerOf = (event: unknown) => {
    const request = readEvent(event);
    return request && readCaller(request);
  };

  it('payload 2.0: the header and the source address the gateway saw', () => {
    const event = loadEvent('http-api-query-and-token');
    expect(callerOf(event)).toEqual({
      authorization: ['Bearer syt_YWRtaW4_not_a_real_token_0000'],
      queryTokens: ['ignored'],
      origins: [],
      sourceIp: '198.51.100.23',
    });
  });

  it('payload 1.0: every value of every spelling of the header, from the multi-value map', () => {
    const event = {
      ...loadEvent('rest-api-get'),
      headers: { Authorization: 'Bearer a' },
      multiValueHeaders: { Authorization: ['Bearer a'], authorization: ['Bearer b'] },
    };
    expect(callerOf(event)).toEqual({
      authorization: ['Bearer a', 'Bearer b'],
      queryTokens: undefined,
      origins: [],
      sourceIp: '198.51.100.23',
    });
  });

  it('skips a header spelling that carries no value, keeping the others', () => {
    const event = {
      version: '2.0',
      rawPath: '/_synapse/admin/v1/server_version',
      headers: { Authorization: null, AUTHORIZATION: undefined, authorization: 'Bearer x' },
      requestContext: { http: { method: 'GET', sourceIp: '192.0.2.1' } },
    };
    expect(callerOf(event)).toEqual({
      authorization: ['Bearer x'],
      queryTokens: undefined,
      origins: [],
      sourceIp: '192.0.2.1',
    });
  });

  it.each([
    ['no requestContext', {}],
    ['a requestContext without identity', { requestContext: { stage: 'prod' } }],
    ['an identity without sourceIp', { requestContext: { identity: {} } }],
  ])('payload 1.0 with %s: no source address, and no fault', (_name, extra) => {
    const event = { httpMethod: 'GET', path: '/_synapse/admin/v1/server_version', ...extra };
    expect(callerOf(event)).toEqual(NOBODY);
  });

  it('payload 2.0 with an empty requestContext.http: no source address, and no fault', () => {
    const event = { rawPath: '/_synapse/admin/v1/server_version', requestContext: { http: {} } };
    expect(callerOf(event)).toEqual(NOBODY);
  });

  it('recognises no event by `version: "2.0"` alone: a VPC Lattice event carries it too', () => {
    expect(readEvent({ version: '2.0', rawPath: '/_synapse/admin/v1/server_version' })).toBe(
      undefined,
    );
    const lattice = {
      version: '2.0',
      path: '/_synapse/admin/v1/server_version',
      method: 'GET',
      headers: {},
      requestContext: { serviceNetworkArn: 'arn:aws:vpc-lattice:…', identity: {} },
    };
    expect(readEvent(lattice)).toBeUndefined();
  });

  it('ALB: the header, and no source address, since only X-Forwarded-For would carry one', () => {
    const event = loadEvent('alb-multi-value-get');
    expect(callerOf({ ...event, multiValueHeaders: { authorization: ['Bearer x'] } })).toEqual({
      ...NOBODY,
      authorization: ['Bearer x'],
    });
    expect(callerOf(loadEvent('alb-get'))?.sourceIp).toBeUndefined();
  });
});

describe('results', () => {
  it('are fresh objects: a tool that rewrites one (osls invoke local) leaves the next intact', async () => {
    const first = await invoke<V2>(loadEvent('http-api-get'));
    (first as { body: unknown }).body = JSON.parse(first.body as string);
    const second = await invoke<V2>(loadEvent('http-api-get'));
    expect(second.body).toBe(DOCUMENT);
    expect(second).not.toBe(first);
  });
});

describe('the access_token query parameter and Origin, as each event format carries them', () => {
  const callerOf = (event: unknown) => {
    const request = readEvent(event);
    return request && readCaller(request);
  };
  const v2 = (rawQueryString: string | undefined, extra: object = {}) => {
    const event: Record<string, unknown> = { ...loadEvent('http-api-get'), ...extra };
    if (rawQueryString === undefined) delete event.rawQueryString;
    else event.rawQueryString = rawQueryString;
    return event;
  };

  it('payload 2.0 and function URLs: every value from rawQueryString, decoded, first first', () => {
    expect(callerOf(v2('access_token=a%2Bb+c&x=1&access_token=second'))?.queryTokens).toEqual([
      'a+b c',
      'second',
    ]);
    expect(callerOf(v2('access_token='))?.queryTokens).toEqual(['']);
    expect(callerOf(v2('access_token'))?.queryTokens).toEqual(['']);
    expect(callerOf(v2('x=access_token&access_tokens=1'))?.queryTokens).toBeUndefined();
    expect(callerOf(v2(''))?.queryTokens).toBeUndefined();
    const url = { ...loadEvent('function-url-get'), rawQueryString: 'access_token=t' };
    expect(callerOf(url)?.queryTokens).toEqual(['t']);
  });

  it('payload 2.0 without rawQueryString: queryStringParameters, as the gateway joined them', () => {
    const event = v2(undefined, { queryStringParameters: { access_token: 'a,b' } });
    expect(callerOf(event)?.queryTokens).toEqual(['a,b']);
    // Already decoded by the gateway: never decoded twice.
    const decoded = v2(undefined, { queryStringParameters: { access_token: 'a+b%41 c' } });
    expect(callerOf(decoded)?.queryTokens).toEqual(['a+b%41 c']);
    expect(callerOf(v2(undefined))?.queryTokens).toBeUndefined();
  });

  it('payload 1.0: the multi-value parameters when present, else the single values', () => {
    const rest = loadEvent('rest-api-get') as Record<string, unknown>;
    const multi = {
      ...rest,
      queryStringParameters: { access_token: 'last' },
      multiValueQueryStringParameters: { access_token: ['first', 'last'] },
    };
    expect(callerOf(multi)?.queryTokens).toEqual(['first', 'last']);
    // A hole (an event made in-process, not JSON) is a value, as JSON's null would be.
    const sparse: string[] = [];
    sparse[1] = 'last';
    const holed = { ...rest, multiValueQueryStringParameters: { access_token: sparse } };
    expect(callerOf(holed)?.queryTokens).toEqual(['', 'last']);
    // Already decoded by API Gateway: never decoded twice.
    const single = { ...rest, queryStringParameters: { access_token: 'a+b%41 c' } };
    expect(callerOf(single)?.queryTokens).toEqual(['a+b%41 c']);
    expect(callerOf({ ...rest, queryStringParameters: { x: '1' } })?.queryTokens).toBeUndefined();
    expect(callerOf(rest)?.queryTokens).toBeUndefined();
  });

  it('ALB: names and values decoded here, since the load balancer passes them as sent', () => {
    const alb = loadEvent('alb-get') as Record<string, unknown>;
    const single = { ...alb, queryStringParameters: { 'access%5Ftoken': 'a%2Bb+c' } };
    expect(callerOf(single)?.queryTokens).toEqual(['a+b c']);
    const multi = {
      ...(loadEvent('alb-multi-value-get') as Record<string, unknown>),
      multiValueQueryStringParameters: { access_token: ['one', 'two%3D'], other: ['x'] },
    };
    expect(callerOf(multi)?.queryTokens).toEqual(['one', 'two=']);
    expect(callerOf({ ...alb, queryStringParameters: {} })?.queryTokens).toBeUndefined();
  });

  it('every Origin value, whatever the case of its name, through every event format', () => {
    const headers = { Origin: 'https://evil.example', origin: 'null' };
    expect(callerOf(v2('', { headers }))?.origins).toEqual(['https://evil.example', 'null']);
    const rest = { ...loadEvent('rest-api-get'), multiValueHeaders: { ORIGIN: ['null'] } };
    expect(callerOf(rest)?.origins).toEqual(['null']);
    const alb = { ...loadEvent('alb-get'), headers: { origin: '' } };
    expect(callerOf(alb)?.origins).toEqual(['']);
    expect(callerOf(loadEvent('http-api-get'))?.origins).toEqual([]);
  });

  it('an Origin in either map, or with no value, marks a page whose origin no policy lists', () => {
    const rest = loadEvent('rest-api-get') as Record<string, unknown>;
    const cases: Record<string, unknown>[] = [
      { ...rest, headers: { Origin: 'https://evil.example' }, multiValueHeaders: {} },
      { ...rest, headers: {}, multiValueHeaders: { origin: [] } },
      { ...loadEvent('http-api-get'), headers: { origin: null } },
      { ...loadEvent('alb-get'), headers: { ORIGIN: undefined } },
    ];
    for (const event of cases) expect(callerOf(event)?.origins).toEqual(['']);
  });
});
