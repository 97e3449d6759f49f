import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';

/** What git prints in `root` only, trimmed; empty when git is missing or fails. */
function git(root: string, args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      // Stop git from finding an enclosing repository when the project is an export
      // without its own .git: that repository's commit would be a lie.
      env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(root) },
    }).trim();
  } catch {
    return '';
  }
}

const DIRTY_MARK = '-this_is_a_dirty_checkout';

/**
 * Composes the version string as Synapse's `get_distribution_version_string` does:
 * `<version> (b=<branch>,t=<exact tag>,<short commit>,dirty)`, each part only when git
 * can tell it, and no parentheses at all when it can tell none.
 */
export function composeVersionString(packageVersion: string, root: string): string {
  const parts: string[] = [];
  const branch = git(root, ['rev-parse', '--abbrev-ref', 'HEAD']);
  if (branch) parts.push(`b=${branch}`);
  const tag = git(root, ['describe', '--exact-match']);
  if (tag) parts.push(`t=${tag}`);
  const commit = git(root, ['rev-parse', '--short', 'HEAD']);
  if (commit) parts.push(commit);
  // `describe --dirty` refreshes the index first, so a touched-but-unchanged file is clean.
  const described = git(root, ['describe', `--dirty=${DIRTY_MARK}`, '--all', '--long']);
  if (described.endsWith(DIRTY_MARK)) parts.push('dirty');
  return parts.length > 0 ? `${packageVersion} (${parts.join(',')})` : packageVersion;
}

/**
 * The string goes into a `Server` header, so it must be printable ASCII; anything else is
 * refused at build time rather than mangled by a gateway at run time.
 */
export function checkVersionString(value: string): string | undefined {
  if (value.length === 0) return 'the version string is empty';
  if (value.trim() === '') return 'the version string is blank';
  // HTTP trims a header value, so the Server header would differ from the document.
  if (value.trim() !== value) return 'the version string starts or ends with white space';
  if (value.length > 256) return 'the version string is longer than 256 characters';
  if (!/^[\x20-\x7e]+$/.test(value)) {
    return 'the version string holds characters other than printable ASCII';
  }
  return undefined;
}

/**
 * What clients would misread in a usable version string; the build warns and goes on.
 * Web admin pages print `Synapse v<server_version>`, and tools that parse the version
 * look for `digits.digits.digits` at its start.
 */
export function versionStringWarnings(value: string): string[] {
  const warnings: string[] = [];
  if (/^v/i.test(value)) {
    warnings.push(
      'it starts with "v": synapse-admin and Ketesa print "Synapse v<server_version>", so it would read "vv…"',
    );
  }
  if (!/^\d+\.\d+\.\d+/.test(value)) {
    warnings.push(
      'it does not begin with a dotted version such as 1.139.0: tools that parse it (a Kubernetes operator for Synapse extracts \\d+.\\d+.\\d+) would find no version',
    );
  }
  return warnings;
}
