// Stands in for `node:process` where the AWS SDK's modules import it (an esbuild plugin in
// scripts/build.ts): the same objects, from the global `process` that the module's exports
// are properties of. An ESM import of node:process reads every one of the process object's
// properties, some lazily built, which costs the init milliseconds for two objects the SDK
// reads for its User-Agent (env, versions). If the SDK imported another name from
// node:process, the build would fail (esbuild: no matching export) until it is added here.
export const { env, versions } = process;
