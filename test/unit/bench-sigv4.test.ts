import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { amzDate, signPost } from '../../bench/references/sigv4.ts';

// The no-SDK reference signs its GetParameter by hand: it must be the signature the SDK's own
// signer makes for the same request, or the floor it shows would not be a working read.
describe('the no-SDK reference signer', () => {
  const at = new Date('2026-12-03T06:17:32.123Z');
  const body = JSON.stringify({ Name: '/synapse-version/access-policy', WithDecryption: true });
  const headers = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'AmazonSSM.GetParameter',
  };

  const sdkAuthorization = async (credentials: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  }) => {
    const signer = new SignatureV4({
      credentials,
      region: 'eu-west-1',
      service: 'ssm',
      sha256: Sha256,
      // The reference sends no X-Amz-Content-Sha256 (SSM, unlike S3, does not ask for it).
      applyChecksum: false,
    });
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: 'ssm.eu-west-1.amazonaws.com',
        path: '/',
        query: {},
        headers: { ...headers, host: 'ssm.eu-west-1.amazonaws.com' },
        body,
      },
      { signingDate: at },
    );
    return signed.headers.authorization;
  };

  it('writes X-Amz-Date as SigV4 asks: basic ISO 8601, UTC, no fraction', () => {
    expect(amzDate(at)).toBe('20261203T061732Z');
  });

  it('signs as @smithy/signature-v4 does, session token included', async () => {
    const credentials = {
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      sessionToken: 'example-session-token',
    };
    const ours = signPost({
      host: 'ssm.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      service: 'ssm',
      body,
      headers,
      credentials,
      at,
    });
    expect(ours.headers['x-amz-security-token']).toBe('example-session-token');
    expect(ours.headers.authorization).toBe(await sdkAuthorization(credentials));
  });

  it('signs as the SDK does without a session token, and sends none', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
    const ours = signPost({
      host: 'ssm.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      service: 'ssm',
      body,
      headers,
      credentials,
      at,
    });
    expect(ours.headers).not.toHaveProperty('x-amz-security-token');
    expect(ours.headers.authorization).toBe(await sdkAuthorization(credentials));
  });
});
