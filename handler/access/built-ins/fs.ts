// Stands in for `node:fs` where the AWS SDK's modules import it (an esbuild plugin in
// scripts/build.ts): the same functions and class, from the module Node has already loaded.
// An ESM import of a built-in reads every one of its exports, and node:fs's lazy ones load
// some thirty more internal modules; process.getBuiltinModule hands over the loaded module
// without reading them. The SDK uses these only for file-stream bodies and hashes (S3),
// never for GetParameter's JSON body. If the SDK imported another name from node:fs, the
// build would fail (esbuild: no matching export) until it is added here.
const fs = process.getBuiltinModule('node:fs');

export const { ReadStream, createReadStream, fstatSync, lstatSync } = fs;
