// The only module that imports the AWS SDK. It is reached through a dynamic import, so
// esbuild puts it (and the SDK) in chunks that open mode never loads.
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { PolicyError } from './policy.ts';
import { RetriesPerRead } from './read-retries.ts';

/** Bounds on one read, well inside the function's 5-second timeout. */
export const SSM_LIMITS = {
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 1_000,
  maxAttempts: 2,
  /** The whole read, retries and backoff included. */
  totalMs: 2_500,
} as const;

// AWS_ENDPOINT_URL_SSM, AWS_REGION and the credential variables are the SDK's own.
export const ssmClient = new SSMClient({
  maxAttempts: SSM_LIMITS.maxAttempts,
  // A warm instance retries as its cold start did, however many reads have failed before.
  retryStrategy: new RetriesPerRead(SSM_LIMITS.maxAttempts),
  requestHandler: {
    connectionTimeout: SSM_LIMITS.connectionTimeoutMs,
    requestTimeout: SSM_LIMITS.requestTimeoutMs,
    throwOnRequestTimeout: true,
  },
});

/**
 * Thrown for an answer of SSM's that is no policy value: the parameter holds no value, or
 * is of another type. Its message is the function's own and may be logged.
 */
export class ParameterError extends Error {
  override name = 'ParameterError';
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * The names an error read from SSM's answer may be logged by: GetParameter's own errors, the
 * errors AWS documents as common to its APIs and the names its services give KMS's refusals
 * (a SecureString's key), the SDK's name for an answer without one (`Unknown`), its
 * timeouts, and JavaScript's own, for an answer it could not parse. An answer names its
 * error itself (`__type`), so any other name is text SSM sent, and stays out of the log.
 * Of unknown type, as an error's name and code are: only the strings listed are in it.
 */
const ANSWERED_NAMES: ReadonlySet<unknown> = new Set([
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
  'ServiceUnavailable',
  'SerializationException',
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
]);

// A StringList is a list, and what its commas mean is not what the policy's JSON means.
const POLICY_TYPES = new Set(['String', 'SecureString']);

/** Reads a String or SecureString parameter's value, decrypted; any other type is refused. */
export async function readParameter(name: string): Promise<string> {
  const output = await ssmClient.send(
    new GetParameterCommand({ Name: name, WithDecryption: true }),
    {
      abortSignal: AbortSignal.timeout(SSM_LIMITS.totalMs),
    },
  );
  const value = output.Parameter?.Value;
  if (typeof value !== 'string') throw new ParameterError('the parameter has no value');
  // Stryker disable next-line OptionalChaining: a value was read above, so Parameter exists
  const type = output.Parameter?.Type;
  // Stryker disable next-line StringLiteral: any text that is no type name is refused alike
  if (!POLICY_TYPES.has(type ?? '')) {
    throw new ParameterError('the parameter is not of type String or SecureString');
  }
  return value;
}

/**
 * A failed read, named for a log line: the error's name, and its code and HTTP status where
 * it has them, but never its message. SSM's messages, and the SDK's for an answer it could
 * not parse, quote what SSM sent (a fragment of the value among it); the function's own
 * errors (PolicyError, ParameterError) name the entry at fault without its content.
 */
export function faultName(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown fault';
  // By class, never by name: an SSM answer names its error itself (`__type`).
  if (error instanceof ParameterError || error instanceof PolicyError) {
    return `${error.name}: ${error.message}`;
  }
  const { code, $metadata } = error as { code?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = $metadata?.httpStatusCode;
  // A name or code on an error read from an answer is SSM's text: only the known ones pass.
  // One raised here (a refused connection, a timeout) is Node's or the SDK's: any identifier.
  const loggable =
    typeof status === 'number'
      ? (text: unknown): text is string => ANSWERED_NAMES.has(text)
      : (text: unknown): text is string => typeof text === 'string' && IDENTIFIER.test(text);
  const parts = [loggable(error.name) ? error.name : 'an error of an unrecognised name'];
  if (loggable(code) && code !== error.name) parts.push(code);
  if (typeof status === 'number') parts.push(`(HTTP ${status})`);
  return parts.join(' ');
}

/**
 * True for a failed read that says nothing about the parameter: the SDK's own retry
 * classification (throttling, 5xx, timeouts, lost connections) and the abort of the whole
 * read at `totalMs`. Everything else (ParameterNotFound, AccessDeniedException, a KMS
 * refusal, a value missing) is SSM's answer about the policy.
 */
export function isTransientFault(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError') return true;
  // The classifiers read `name`, `code`, `$metadata`, `$retryable` and `cause`, if present.
  const sdkError = error as Parameters<typeof isTransientError>[0];
  return isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError);
}
