import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bakedValuesFrom, omitPythonVersion } from '../../scripts/build.ts';

// The build's settings, read in this process: what `npm run build` bakes for each
// environment, and what it refuses before esbuild runs.
const roots: string[] = [];
/** A project folder outside any git repository, with `pkg` as its package.json. */
function projectWith(pkg: unknown): string {
  const root = mkdtempSync(join(tmpdir(), 'build-settings-'));
  roots.push(root);
  writeFileSync(join(root, 'package.json'), JSON.stringify(pkg));
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('omitPythonVersion', () => {
  it.each([' Yes ', 'TRUE', '\t1\n'])(
    'reads %j as leave it out, whatever the case and spacing',
    (value) => {
      expect(omitPythonVersion(value)).toBe(true);
    },
  );

  it.each([undefined, '', ' ', 'No', ' false ', '0'])('reads %j as keep it', (value) => {
    expect(omitPythonVersion(value)).toBe(false);
  });
});

describe('bakedValuesFrom', () => {
  it('composes the version from package.json when SYNAPSE_VERSION_STRING is empty or unset', () => {
    const root = projectWith({ version: '2.0.0' });
    for (const env of [{}, { SYNAPSE_VERSION_STRING: '' }]) {
      expect(bakedValuesFrom(env, root)).toEqual({
        serverVersion: '2.0.0',
        includePythonVersion: true,
      });
    }
  });

  it('takes a non-empty SYNAPSE_VERSION_STRING verbatim', () => {
    const root = projectWith({ version: '2.0.0' });
    expect(bakedValuesFrom({ SYNAPSE_VERSION_STRING: '2.1.0 (b=x)' }, root).serverVersion).toBe(
      '2.1.0 (b=x)',
    );
  });

  it('refuses a package.json without a version', () => {
    expect(() => bakedValuesFrom({}, projectWith({ name: 'x' }))).toThrow(
      new Error('package.json has no "version"'),
    );
  });

  it('names the composed version when package.json holds one that cannot go in a header', () => {
    expect(() => bakedValuesFrom({}, projectWith({ version: '2.0.0\n' }))).toThrow(
      new Error(
        'the composed version: the version string starts or ends with white space: "2.0.0\\n"',
      ),
    );
  });
});
