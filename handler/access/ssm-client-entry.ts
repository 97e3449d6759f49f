// Stands in for @aws-sdk/client-ssm's entry module (dist-es/index.js) in the bundle (an
// esbuild plugin in scripts/build.ts). The entry re-exports all of SSM's ~150 commands, their
// schemas and error classes; the function reads one parameter and imports only SSMClient
// and GetParameterCommand (ssm-parameter.ts), so this exports those two, from the SDK's own
// modules. It is also what lets ssm-get-parameter-schemas.ts stand in for the schema
// module: the other commands, which import their own schemas, are no longer reached.
//
// If the SDK changed underneath it: a moved module fails the build (esbuild cannot resolve
// it, or the plugin finds the replaced entry gone); another import of the function's from
// '@aws-sdk/client-ssm' fails the build (no matching export); test/unit/sdk-stand-ins.test.ts
// holds these two to the names the real entry exports.
export { GetParameterCommand } from '@aws-sdk/client-ssm/dist-es/commands/GetParameterCommand.js';
export { SSMClient } from '@aws-sdk/client-ssm/dist-es/SSMClient.js';
