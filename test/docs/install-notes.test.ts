// What the README's prerequisites say `npm ci` prints on Node 20, checked against the lock
// file npm reads: npm warns EBADENGINE once per installed package whose `engines.node`
// leaves Node 20 out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { satisfies } from 'semver';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/project-root.ts';

interface Locked {
  dev?: boolean;
  engines?: { node?: string };
}
const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, Locked>;
};
const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8').replace(/\s+/g, ' ');
// The oldest Node the README accepts, at the version this machine's Debian image carries.
const NODE_20 = '20.20.2';

const warned = Object.entries(lock.packages)
  .filter(([path, entry]) => path !== '' && entry.engines?.node !== undefined)
  .filter(([, entry]) => !satisfies(NODE_20, entry.engines?.node ?? '*'))
  .map(([path, entry]) => ({
    name: path.replace(/^.*node_modules\//, ''),
    dev: entry.dev === true,
  }));

describe("the README's words on npm ci under Node 20", () => {
  it('says what it prints', () => {
    expect(readme).toContain(
      'On Node 20, `npm ci` prints `npm warn EBADENGINE` for about sixty development packages (Babel, Stryker, vitest and their parts) that declare Node 22 or later; nothing the function ships is among them.',
    );
  });

  it('about sixty packages, all of them development ones', () => {
    expect(warned.length).toBeGreaterThanOrEqual(50);
    expect(warned.length).toBeLessThanOrEqual(70);
    expect(warned.filter((entry) => !entry.dev)).toEqual([]);
  });

  it('Babel, Stryker and vitest among them, each asking for Node 22 or later', () => {
    const names = warned.map((entry) => entry.name);
    for (const family of [/^@babel\//, /^@stryker-mutator\//, /^vitest$/]) {
      expect(
        names.some((name) => family.test(name)),
        String(family),
      ).toBe(true);
    }
    for (const [, entry] of Object.entries(lock.packages)) {
      if (entry.engines?.node && !satisfies(NODE_20, entry.engines.node)) {
        expect(
          satisfies('22.22.2', entry.engines.node) || satisfies('24.21.0', entry.engines.node),
        ).toBe(true);
      }
    }
  });
});
