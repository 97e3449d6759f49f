// A new access token and what is stored of it. Only the digest goes into SSM; the token goes
// to its caller, on the terminal or in a file of its own.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

export interface AccessToken {
  token: string;
  /** SHA-256 of the token's UTF-8 bytes, lower-case hex: what the policy lists. */
  digest: string;
}

/** 32 random bytes: 256 bits, 43 characters of base64url, safe in a header and a shell. */
export function newToken(): AccessToken {
  const token = randomBytes(32).toString('base64url');
  return { token, digest: createHash('sha256').update(token).digest('hex') };
}

/** True when a file is already at `path`: a token file is never overwritten. */
export const tokenFileExists = (path: string): boolean => existsSync(path);

/**
 * Writes the token alone, without a newline, so that whatever reads the file (the blackbox
 * exporter's credentials_file) sends exactly the token, to a new file readable by its owner
 * only; refuses a file that exists rather than replace someone's credentials.
 */
export function writeTokenFile(path: string, token: string): void {
  writeFileSync(path, token, { mode: 0o600, flag: 'wx' });
}

/** Removes the token file this command wrote, when its digest could not be stored. */
export function removeTokenFile(path: string): void {
  rmSync(path);
}
