// Values fixed at build time by esbuild's `define` (scripts/build.ts) and, in tests, by
// vitest.config.ts. Declared here once; nothing else names the globals.
declare const __SERVER_VERSION__: string;
declare const __INCLUDE_PYTHON_VERSION__: boolean;

/** The version string Synapse would report, composed when the bundle was built. */
export const serverVersion: string = __SERVER_VERSION__;

/** False for the shape Synapse has had since 1.94, which dropped `python_version`. */
export const includePythonVersion: boolean = __INCLUDE_PYTHON_VERSION__;
