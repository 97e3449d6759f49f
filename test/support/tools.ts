import { execFileSync } from 'node:child_process';

/**
 * The path of an outside tool the tests run for real, or an error that says what is
 * missing and how to install it: a missing client fails loudly, it is never skipped.
 */
export function requireTool(command: string, install: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${command} is not installed; ${install} (.ci/run installs it)`);
  }
}

export const DEBIAN = (pkg: string): string => `apt-get install ${pkg}`;
export const PIP = (pkg: string): string => `pip install ${pkg}`;
