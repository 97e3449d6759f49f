// Stands in for @aws-sdk/credential-provider-node in the bundle (an esbuild alias in
// scripts/build.ts). Lambda always gives a function its credentials in the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the default chain's
// other sources (profiles, SSO, IMDS, processes, web identity) are never reached there,
// yet loading them costs init CPU. Locally, too, credentials come from those variables.
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
