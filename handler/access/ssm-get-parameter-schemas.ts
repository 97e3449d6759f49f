// Stands in for @aws-sdk/client-ssm's dist-es/schemas/schemas_0.js in the bundle (an esbuild
// plugin in scripts/build.ts). That module holds the schema of every one of SSM's ~150
// operations and registers every one of its ~150 error classes at load: about 70 KB of the
// policy chunk, parsed and run in every init, though the function only ever calls
// GetParameter. This one holds GetParameter's schemas and registers only the errors it
// can answer (InternalServerError, InvalidKeyId, ParameterNotFound,
// ParameterVersionNotFound) and the two any SSM call meets (AccessDeniedException,
// ThrottlingException), with the SDK's own classes. Any other error SSM might name still
// arrives as an SSMServiceException of that name, HTTP status and fault, as the SDK makes
// for a name it does not know: faultName and isTransientFault read nothing else.
//
// If the SDK changed underneath it: a name the SDK's modules import from schemas_0 that is
// not exported here fails the build (esbuild: no matching export); a change of the schema
// format or of GetParameter's shapes fails test/unit/sdk-stand-ins.test.ts, which holds
// every shape here equal to the SDK's; a removed or renamed schemas_0.js fails the build
// (the plugin checks that every replaced file exists).
import {
  AccessDeniedException,
  InternalServerError,
  InvalidKeyId,
  ParameterNotFound,
  ParameterVersionNotFound,
  ThrottlingException,
} from '@aws-sdk/client-ssm/dist-es/models/errors.js';
import { SSMServiceException } from '@aws-sdk/client-ssm/dist-es/models/SSMServiceException.js';
import { TypeRegistry } from '@smithy/core/schema';
import {
  AccessDeniedException$,
  InternalServerError$,
  InvalidKeyId$,
  ParameterNotFound$,
  ParameterVersionNotFound$,
  SSM_NAMESPACE,
  SSMServiceException$,
  SYNTHETIC_NAMESPACE,
  ThrottlingException$,
} from './ssm-get-parameter-shapes.ts';

export {
  GetParameter$,
  GetParameterRequest$,
  GetParameterResult$,
  Parameter$,
} from './ssm-get-parameter-shapes.ts';

// The SDK's schema and class types are its own internals: the shapes are checked by test.
type ErrorSchema = Parameters<TypeRegistry['registerError']>[0];
type ErrorClass = Parameters<TypeRegistry['registerError']>[1];
const register = (registry: TypeRegistry, schema: unknown[], ctor: unknown) =>
  registry.registerError(schema as unknown as ErrorSchema, ctor as ErrorClass);

const synthetic = new TypeRegistry(SYNTHETIC_NAMESPACE);
register(synthetic, SSMServiceException$, SSMServiceException);
const ssm = new TypeRegistry(SSM_NAMESPACE);
register(ssm, AccessDeniedException$, AccessDeniedException);
register(ssm, InternalServerError$, InternalServerError);
register(ssm, InvalidKeyId$, InvalidKeyId);
register(ssm, ParameterNotFound$, ParameterNotFound);
register(ssm, ParameterVersionNotFound$, ParameterVersionNotFound);
register(ssm, ThrottlingException$, ThrottlingException);

/** Read by the client's runtime configuration (runtimeConfig.shared.js). */
export const errorTypeRegistries = [synthetic, ssm];
