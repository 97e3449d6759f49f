// The paths the function answers itself. Both infra files declare exactly these plus a
// catch-all, and test/infra checks that they still agree with this table.
export const VERSION_PATH = '/_synapse/admin/v1/server_version';
export const HEALTH_PATH = '/health';
export const ROUTES: readonly string[] = [VERSION_PATH, HEALTH_PATH];
