import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEBIAN, requireTool } from './tools.ts';

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `synadm --batch -c <config> version`, configured as an operator configures it: a config
 * file naming the base URL, the admin path and the admin's token.
 */
export async function synadmVersion(baseUrl: string, token: string): Promise<ToolRun> {
  const synadm = requireTool('synadm', DEBIAN('synadm'));
  const dir = mkdtempSync(join(tmpdir(), 'synadm-'));
  const config = join(dir, 'synadm.yaml');
  writeFileSync(
    config,
    [
      'user: admin',
      `token: ${token}`,
      `base_url: ${baseUrl}`,
      'admin_path: /_synapse/admin',
      'matrix_path: /_matrix',
      'timeout: 10',
      'format: json',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  try {
    return await new Promise<ToolRun>((resolve) => {
      execFile(
        synadm,
        ['--batch', '-c', config, 'version'],
        { timeout: 30_000, env: { ...process.env, HOME: dir } },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
