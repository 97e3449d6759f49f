import { describe, expect, it } from 'vitest';
import { checkVersionString } from '../../scripts/version-string.ts';

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
