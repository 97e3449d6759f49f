/** What the build bakes into the bundle. */
export interface BakedValues {
  serverVersion: string;
  includePythonVersion: boolean;
}

/**
 * The esbuild/Vite `define` map for the globals declared in handler/build-info.ts. Shared by the
 * build and the test runner so that both define exactly the same names.
 */
export function bakedDefines(values: BakedValues): Record<string, string> {
  return {
    __SERVER_VERSION__: JSON.stringify(values.serverVersion),
    __INCLUDE_PYTHON_VERSION__: JSON.stringify(values.includePythonVersion),
  };
}
