// The SDK modules the stand-ins import by path, typed as the package exports them.
declare module '@aws-sdk/client-ssm/dist-es/models/errors.js' {
  export {
    AccessDeniedException,
    InternalServerError,
    InvalidKeyId,
    ParameterNotFound,
    ParameterVersionNotFound,
    ThrottlingException,
  } from '@aws-sdk/client-ssm';
}
declare module '@aws-sdk/client-ssm/dist-es/models/SSMServiceException.js' {
  export { SSMServiceException } from '@aws-sdk/client-ssm';
}
declare module '@aws-sdk/client-ssm/dist-es/commands/GetParameterCommand.js' {
  export { GetParameterCommand } from '@aws-sdk/client-ssm';
}
declare module '@aws-sdk/client-ssm/dist-es/SSMClient.js' {
  export { SSMClient } from '@aws-sdk/client-ssm';
}
