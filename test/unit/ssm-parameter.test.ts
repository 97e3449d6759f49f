import { GetParameterCommand, type ParameterType, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PolicyError } from '../../handler/access/policy.ts';
import {
  faultName,
  isTransientFault,
  ParameterError,
  readParameter,
  SSM_LIMITS,
  ssmClient,
} from '../../handler/access/ssm-parameter.ts';

const ssm = mockClient(SSMClient);

describe('readParameter', () => {
  beforeEach(() => ssm.reset());
  afterEach(() => ssm.reset());

  it('reads the named parameter with decryption and returns its value', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({
      Parameter: { Name: '/synapse/policy', Type: 'SecureString', Value: '{"source_cidrs":[]}' },
    });
    // Act
    const value = await readParameter('/synapse/policy');
    // Assess
    expect(value).toBe('{"source_cidrs":[]}');
    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ Name: '/synapse/policy', WithDecryption: true });
  });

  it.each<ParameterType>(['String', 'SecureString'])('reads a %s parameter', async (Type) => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/p', Type, Value: '{}' } });
    expect(await readParameter('/p')).toBe('{}');
  });

  it.each<[string, ParameterType | undefined]>([
    ['a StringList', 'StringList'],
    ['a type SSM may add one day', 'JsonDocument' as ParameterType],
    ['no type at all', undefined],
  ])('refuses %s: the policy is a String or SecureString', async (_name, Type) => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/p', Type, Value: '{}' } });
    const read = readParameter('/p');
    await expect(read).rejects.toThrow(
      new ParameterError('the parameter is not of type String or SecureString'),
    );
    await expect(read).rejects.toBeInstanceOf(ParameterError);
  });

  it('rejects a parameter without a value', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/synapse/policy' } });
    await expect(readParameter('/synapse/policy')).rejects.toThrow('the parameter has no value');
  });

  it('passes SDK faults on to the cache', async () => {
    ssm
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('nope'), { name: 'ParameterNotFound' }));
    await expect(readParameter('/missing')).rejects.toMatchObject({ name: 'ParameterNotFound' });
  });

  it('rejects an answer without a parameter at all', async () => {
    ssm.on(GetParameterCommand).resolves({});
    await expect(readParameter('/synapse/policy')).rejects.toThrow('the parameter has no value');
  });

  it('bounds each read: an SSM that never answers is abandoned after 2.5 s', async () => {
    // An endpoint that hangs until the read's own signal aborts it.
    ssm.send.callsFake(
      (_command: unknown, options?: { abortSignal?: AbortSignal }) =>
        new Promise((_resolve, reject) => {
          options?.abortSignal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
          );
        }),
    );
    const started = performance.now();
    await expect(readParameter('/synapse/policy')).rejects.toMatchObject({ name: 'AbortError' });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(SSM_LIMITS.totalMs - 50);
    // A bound, not a benchmark: well before the function's 5-second timeout.
    expect(elapsed).toBeLessThan(4_000);
  });
});

describe('the SSM client', () => {
  it('makes 2 attempts, each with 1-second connect and request timeouts that throw', async () => {
    expect(await ssmClient.config.maxAttempts()).toBe(2);
    const handler = ssmClient.config.requestHandler as unknown as {
      configProvider: Promise<Record<string, unknown>>;
    };
    expect(await handler.configProvider).toMatchObject({
      connectionTimeout: 1_000,
      requestTimeout: 1_000,
      throwOnRequestTimeout: true,
    });
  });
});

/** An error as the SDK throws it: a name, and where it has one, the HTTP status and a code. */
const sdkError = (name: string, fields: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`${name} (test)`), { name, ...fields });

describe('isTransientFault: faults that say nothing about the policy', () => {
  it.each([
    [
      'ThrottlingException',
      sdkError('ThrottlingException', { $metadata: { httpStatusCode: 400 } }),
    ],
    ['a 429', sdkError('TooManyRequests', { $metadata: { httpStatusCode: 429 } })],
    [
      'InternalServerError (500)',
      sdkError('InternalServerError', { $metadata: { httpStatusCode: 500 } }),
    ],
    ['a 503', sdkError('ServiceUnavailable', { $metadata: { httpStatusCode: 503 } })],
    [
      'a 501, a server error the SDK would not retry',
      sdkError('NotImplemented', { $metadata: { httpStatusCode: 501 } }),
    ],
    ["the SDK's request timeout", sdkError('TimeoutError')],
    ['a reset connection', sdkError('Error', { code: 'ECONNRESET' })],
    ['a refused connection', sdkError('Error', { code: 'ECONNREFUSED' })],
    ['an unknown host', sdkError('Error', { code: 'ENOTFOUND' })],
    ['the whole read aborted at its bound', sdkError('AbortError')],
  ])('%s is transient', (_name, error) => {
    expect(isTransientFault(error)).toBe(true);
  });

  it.each([
    ['ParameterNotFound', sdkError('ParameterNotFound', { $metadata: { httpStatusCode: 400 } })],
    [
      'AccessDeniedException',
      sdkError('AccessDeniedException', { $metadata: { httpStatusCode: 400 } }),
    ],
    ['a KMS refusal', sdkError('InvalidKeyId', { $metadata: { httpStatusCode: 400 } })],
    ['a value the policy cannot use', sdkError('PolicyError')],
    ['a parameter without a value', new Error('the parameter has no value')],
    ['something that is not an Error', 'ECONNRESET'],
    ['nothing at all', undefined],
  ])('%s is an answer about the policy', (_name, error) => {
    expect(isTransientFault(error)).toBe(false);
  });
});

describe('faultName: a failed read named for the log, without its content', () => {
  // GetParameter's errors, those AWS documents as common to its APIs (API Reference,
  // "Common Errors") and the names its services give KMS's refusals, the SDK's name for an
  // answer without one, its timeouts, and JavaScript's own, which an answer the SDK could
  // not parse is raised as.
  it.each([
    'InternalServerError',
    'InvalidKeyId',
    'ParameterNotFound',
    'ParameterVersionNotFound',
    'AccessDeniedException',
    'AccessDenied',
    'KMSAccessDeniedException',
    'KMSDisabledException',
    'KMSInvalidStateException',
    'KMSNotFoundException',
    'KMSOptInRequired',
    'KMSThrottlingException',
    'ExpiredTokenException',
    'IncompleteSignature',
    'InternalFailure',
    'InvalidAction',
    'InvalidClientTokenId',
    'InvalidParameterCombination',
    'InvalidParameterValue',
    'InvalidQueryParameter',
    'InvalidSignatureException',
    'MalformedQueryString',
    'MissingAction',
    'MissingAuthenticationToken',
    'MissingParameter',
    'NotAuthorized',
    'OptInRequired',
    'RequestExpired',
    'SerializationException',
    'ServiceUnavailable',
    'ThrottlingException',
    'UnknownOperationException',
    'UnrecognizedClientException',
    'ValidationError',
    'ValidationException',
    'Unknown',
    'TimeoutError',
    'AbortError',
    'Error',
    'SyntaxError',
    'TypeError',
    'RangeError',
  ])('an answered %s is logged by its name', (name) => {
    expect(faultName(sdkError(name, { $metadata: { httpStatusCode: 400 } }))).toBe(
      `${name} (HTTP 400)`,
    );
  });

  it.each([
    [
      'an SSM error: its name and status, not the message SSM wrote',
      sdkError('AccessDeniedException', {
        message: 'User arn:aws:sts::123456789012:assumed-role/x is not authorized',
        $metadata: { httpStatusCode: 400 },
      }),
      'AccessDeniedException (HTTP 400)',
    ],
    [
      'a connection fault: its code',
      sdkError('Error', { code: 'ECONNREFUSED' }),
      'Error ECONNREFUSED',
    ],
    ['a fault raised here without a code: its name alone', sdkError('AbortError'), 'AbortError'],
    [
      'a fault raised here of a name that is no identifier',
      sdkError('has spaces', { code: 42 }),
      'an error of an unrecognised name',
    ],
    [
      'a code equal to the name, once',
      sdkError('TimeoutError', { code: 'TimeoutError' }),
      'TimeoutError',
    ],
    [
      'an answer the SDK could not parse, whose message quotes the body',
      sdkError('SyntaxError', {
        message: 'Unexpected token in JSON: {"Parameter":{"Value":"{"tokens_sha256"',
        $metadata: { httpStatusCode: 200 },
      }),
      'SyntaxError (HTTP 200)',
    ],
    [
      "the function's own refusal of the value, by position",
      new PolicyError('tokens_sha256[2] is not 64 hex digits'),
      'PolicyError: tokens_sha256[2] is not 64 hex digits',
    ],
    [
      "the function's own refusal of the parameter",
      new ParameterError('the parameter has no value'),
      'ParameterError: the parameter has no value',
    ],
    ['something that is not an Error', 'a string', 'unknown fault'],
    [
      'an SSM error that calls itself PolicyError: its name only, never its message',
      sdkError('PolicyError', {
        message: 'svt_a-token-from-ssm',
        $metadata: { httpStatusCode: 400 },
      }),
      'an error of an unrecognised name (HTTP 400)',
    ],
    [
      'an SSM error of a name AWS does not give, which may be anything SSM sent',
      sdkError('svt_aTokenOfFortyThreeCharactersAZaz09AZaz', {
        code: 'VALUEFRAGMENTxyz',
        $metadata: { httpStatusCode: 400 },
      }),
      'an error of an unrecognised name (HTTP 400)',
    ],
    [
      "an SSM error of a name AWS gives, with a code that is SSM's text",
      sdkError('ThrottlingException', {
        code: 'VALUEFRAGMENTxyz',
        $metadata: { httpStatusCode: 400 },
      }),
      'ThrottlingException (HTTP 400)',
    ],
    [
      "an SSM error of AWS's common names, and its known code",
      sdkError('ValidationException', {
        code: 'Unknown',
        $metadata: { httpStatusCode: 400 },
      }),
      'ValidationException Unknown (HTTP 400)',
    ],
    [
      'a name or code that is no identifier, as an answer may carry',
      sdkError('svt token-in-a-name!', { code: 'has spaces', $metadata: { httpStatusCode: 400 } }),
      'an error of an unrecognised name (HTTP 400)',
    ],
  ])('%s', (_name, error, named) => {
    expect(faultName(error)).toBe(named);
  });
});
