// Stands in for `node:os` where the AWS SDK's modules import it (an esbuild plugin in
// scripts/build.ts): the same functions, through process.getBuiltinModule, which does not
// read every export of the module as an ESM import does. The SDK calls them for its
// User-Agent (platform, release) and the home folder of ~/.aws, which the function never
// reads (no-shared-config-files.ts). If the SDK imported another name from node:os, the
// build would fail (esbuild: no matching export) until it is added here.
const os = process.getBuiltinModule('node:os');

export const { homedir, platform, release } = os;
