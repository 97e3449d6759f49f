import { describe, expect, it } from 'vitest';
import { checkVersionString, versionStringWarnings } from '../../scripts/version-string.ts';

// What the build refuses to bake: the string goes verbatim into a Server header and into
// the document, so it must survive HTTP unchanged.
describe('checkVersionString', () => {
  it.each([
    ['1.139.0'],
    ['1.140.0rc1 (b=release-v1.140,t=v1.140.0rc1,0a1b2c3,dirty)'],
    ['a'],
    ['~ !'],
    ['v'.repeat(256)],
  ])('accepts %j', (value) => {
    expect(checkVersionString(value)).toBeUndefined();
  });

  it.each([
    ['', 'the version string is empty'],
    [' ', 'the version string is blank'],
    ['\t\n', 'the version string is blank'],
    [' 1.0', 'the version string starts or ends with white space'],
    ['1.0\t', 'the version string starts or ends with white space'],
    ['v'.repeat(257), 'the version string is longer than 256 characters'],
    ['1.0\r\nX-Injected: yes', 'the version string holds characters other than printable ASCII'],
    ['1.0\x7f', 'the version string holds characters other than printable ASCII'],
    ['1.0\x1f', 'the version string holds characters other than printable ASCII'],
    ['caf\u00e9', 'the version string holds characters other than printable ASCII'],
  ])('refuses %j: %s', (value, problem) => {
    expect(checkVersionString(value)).toBe(problem);
  });
});

// What the build warns about but bakes: strings clients would misread.
describe('versionStringWarnings', () => {
  it.each([['1.139.0'], ['1.140.0rc1 (b=develop,1d2ddbc76e,dirty)'], ['10.20.30']])(
    'has nothing to say of %j',
    (value) => {
      expect(versionStringWarnings(value)).toEqual([]);
    },
  );

  it.each(['v1.139.0', 'V1.139.0'])(
    'warns of the web admin pages\' "vv" for %j, and of the missing leading version',
    (value) => {
      const [vv, ...others] = versionStringWarnings(value);
      expect(vv).toBe(
        'it starts with "v": synapse-admin and Ketesa print "Synapse v<server_version>", so it would read "vv…"',
      );
      expect(others).toHaveLength(1);
      expect(others[0]).toMatch(/^it does not begin with a dotted version/);
    },
  );

  it.each(['1.139', 'release-1.139.0', 'x.2.3', 'a.b.c'])(
    'warns that %j does not begin with digits.digits.digits',
    (value) => {
      expect(versionStringWarnings(value)).toEqual([
        'it does not begin with a dotted version such as 1.139.0: tools that parse it (a Kubernetes operator for Synapse extracts \\d+.\\d+.\\d+) would find no version',
      ]);
    },
  );
});
