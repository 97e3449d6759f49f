// AWS Signature Version 4 for one JSON-protocol POST, with node:crypto alone: what the no-SDK
// reference handler signs its GetParameter with. test/unit/bench-sigv4.test.ts holds it to
// the SDK's own signer (@smithy/signature-v4) for the same request.
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface SignedPost {
  headers: Record<string, string>;
}

const sha256Hex = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) =>
  createHmac('sha256', key).update(data).digest();

/** `20261203T061700Z`, the form of X-Amz-Date. */
export function amzDate(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * The headers of a signed POST of `body` to `/` of `host`: the given ones, Host, X-Amz-Date,
 * X-Amz-Security-Token when the credentials have a session, and Authorization. Every header
 * sent is signed.
 */
export function signPost(options: {
  host: string;
  region: string;
  service: string;
  body: string;
  headers: Record<string, string>;
  credentials: AwsCredentials;
  at: Date;
}): SignedPost {
  const { host, region, service, body, credentials, at } = options;
  const stamp = amzDate(at);
  const day = stamp.slice(0, 8);
  const headers: Record<string, string> = { ...options.headers, host, 'x-amz-date': stamp };
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const canonicalHeaders = names.map((name) => `${name}:${String(lower[name]).trim()}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256Hex(body)].join(
    '\n',
  );
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = [day, region, service, 'aws4_request'].reduce<string | Buffer>(
    (k, part) => hmac(k, part),
    `AWS4${credentials.secretAccessKey}`,
  );
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers };
}
