import { includePythonVersion, serverVersion } from './build-info.ts';

export interface VersionDocument {
  server_version: string;
  python_version?: string;
}

/**
 * The body of `GET /_synapse/admin/v1/server_version`. `python_version` names the runtime
 * that really executes the function, as Synapse's `platform.python_version()` did.
 */
export const versionDocument: Readonly<VersionDocument> = Object.freeze(
  includePythonVersion
    ? { server_version: serverVersion, python_version: process.versions.node }
    : // Stryker disable next-line ObjectLiteral: the test runner always defines includePythonVersion true; the shape without it is tested in test/build, on bundles in child processes
      { server_version: serverVersion },
);
