// Stands in for `node:zlib` where the AWS SDK's modules import it (an esbuild plugin in
// scripts/build.ts). The SDK bundles its CRC32 checksum, which reads zlib.crc32 when its
// module loads, so a static import loads zlib in every init; the function's GetParameter
// calls never compute a CRC32 (flexible checksums are S3's). This crc32 loads zlib on first
// use and then calls Node's own, so that a checksum, were one ever computed, is the same.
// If the SDK imported another name from node:zlib, the build would fail (esbuild: no
// matching export) until it is added here.
type Crc32 = typeof import('node:zlib').crc32;

export const crc32: Crc32 = (data, value) =>
  process.getBuiltinModule('node:zlib').crc32(data, value);
