import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../handler/access/env-credentials.ts';

// What the bundle uses for credentials in place of the SDK's default chain.
describe('defaultProvider (environment credentials only)', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('returns the credentials Lambda puts in the environment', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'example-secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'example-session');
    expect(await defaultProvider()()).toMatchObject({
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'example-secret',
      sessionToken: 'example-session',
    });
  });

  it('fails, rather than looking elsewhere, when the environment has none', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    await expect(defaultProvider()()).rejects.toThrow(/environment/i);
  });
});
