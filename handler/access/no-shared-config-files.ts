// Stands in for @smithy/core's shared-ini-file-loader/loadSharedConfigFiles.js in the
// bundle (an esbuild plugin in scripts/build.ts). While the SSM client resolves its settings
// (region, retry mode, FIPS, dual-stack, app id, auth preference, endpoint URL), each one
// that no environment variable gives falls through to ~/.aws/config and ~/.aws/credentials,
// which the original reads with node:fs/promises (loading it, node:os for the home folder
// and an INI parser). A Lambda function has no such files: its settings come from the
// environment (AWS_REGION, and any AWS_* variable the deployment sets), so the files' part
// of every setting is empty there, and this says so without touching the disk. Locally, a
// developer's ~/.aws files are ignored as on Lambda; credentials already come from the
// environment only (env-credentials.ts).
//
// If the SDK changed underneath it: another export imported from this module fails the
// build (esbuild: no matching export); the module's export names and the separator are held
// to the SDK's by test/unit/sdk-stand-ins.test.ts; a moved file fails the build. Were a
// setting the function needs ever to come only from a shared file, the read would fall back
// to that setting's default, as on a Lambda instance.
import type { loadSharedConfigFiles as original } from '@smithy/core/config';

export const CONFIG_PREFIX_SEPARATOR = '.';

export const loadSharedConfigFiles: typeof original = async () => ({
  configFile: {},
  credentialsFile: {},
});
