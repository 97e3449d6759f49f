import { describe, expect, it } from 'vitest';
import { readAccessSettings } from '../../handler/access-settings.ts';

describe('readAccessSettings', () => {
  it('is undefined, so the route is open, when the parameter is unset or blank', () => {
    expect(readAccessSettings({})).toBeUndefined();
    expect(readAccessSettings({ ACCESS_POLICY_PARAMETER: '' })).toBeUndefined();
  });

  it('defaults the TTL to 300 s, retries failures every 5 s at most, keeps no stale policy', () => {
    expect(readAccessSettings({ ACCESS_POLICY_PARAMETER: '/synapse/policy' })).toEqual({
      parameterName: '/synapse/policy',
      ttlSeconds: 300,
      retrySeconds: 5,
      maxStaleSeconds: 0,
    });
  });

  it('takes ACCESS_POLICY_TTL_SECONDS, and never retries less often than the TTL', () => {
    const env = { ACCESS_POLICY_PARAMETER: '/policy', ACCESS_POLICY_TTL_SECONDS: '2' };
    expect(readAccessSettings(env)).toEqual({
      parameterName: '/policy',
      ttlSeconds: 2,
      retrySeconds: 2,
      maxStaleSeconds: 0,
    });
  });

  it.each([
    ['0', 0],
    ['86400', 86400],
    [' 60 ', 60],
    ['900', 900],
    ['', 0],
  ])('takes ACCESS_POLICY_MAX_STALE_SECONDS=%j as %i', (text, seconds) => {
    const env = { ACCESS_POLICY_PARAMETER: '/p', ACCESS_POLICY_MAX_STALE_SECONDS: text };
    expect(readAccessSettings(env)?.maxStaleSeconds).toBe(seconds);
  });

  it.each(['-1', '1.5', 'ten', '86401', '1e3'])(
    'refuses ACCESS_POLICY_MAX_STALE_SECONDS=%j, naming the variable',
    (text) => {
      const env = { ACCESS_POLICY_PARAMETER: '/p', ACCESS_POLICY_MAX_STALE_SECONDS: text };
      expect(() => readAccessSettings(env)).toThrow(
        'ACCESS_POLICY_MAX_STALE_SECONDS must be a whole number of seconds from 0 to 86400',
      );
    },
  );

  it.each(['0', '-5', '1.5', 'ten', '86401', '1e3x'])(
    'refuses ACCESS_POLICY_TTL_SECONDS=%j, naming the variable',
    (ttl) => {
      const env = { ACCESS_POLICY_PARAMETER: '/p', ACCESS_POLICY_TTL_SECONDS: ttl };
      expect(() => readAccessSettings(env)).toThrow(/^ACCESS_POLICY_TTL_SECONDS must be/);
    },
  );

  it.each(['/a b', 'policy', '/trailing/', '//double', '/semi;colon', ' /x', '/x ', '   '])(
    'refuses the parameter name %j, naming the variable',
    (name) => {
      expect(() => readAccessSettings({ ACCESS_POLICY_PARAMETER: name })).toThrow(
        /^ACCESS_POLICY_PARAMETER must be an SSM parameter path/,
      );
    },
  );

  it("takes a name of SSM's longest, 1011 characters, and refuses one more", () => {
    const longest = `/${'x'.repeat(1010)}`;
    expect(readAccessSettings({ ACCESS_POLICY_PARAMETER: longest })?.parameterName).toBe(longest);
    expect(() => readAccessSettings({ ACCESS_POLICY_PARAMETER: `${longest}x` })).toThrow(
      /^ACCESS_POLICY_PARAMETER must be an SSM parameter path/,
    );
  });
});
