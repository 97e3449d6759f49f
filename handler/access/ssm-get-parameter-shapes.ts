// The schemas of SSM's GetParameter (request, result, the Parameter it holds) and of the
// errors it can answer, in the form of @aws-sdk/client-ssm's generated schemas_0.js: data
// only, so that test/unit/sdk-stand-ins.test.ts can hold each one equal to the SDK's own.

/** SSM's namespace, and the SDK's synthetic one that holds its base exception. */
export const SSM_NAMESPACE = 'com.amazonaws.ssm';
export const SYNTHETIC_NAMESPACE = 'smithy.ts.sdk.synthetic.com.amazonaws.ssm';

// The SDK's schema tags: 0 simple, 3 structure, 9 operation, -3 error; trait 8 sensitive.
const SENSITIVE = 8;
const PSParameterValue = [0, SSM_NAMESPACE, 'PSParameterValue', SENSITIVE, 0];

export const Parameter$ = [
  3,
  SSM_NAMESPACE,
  'Parameter',
  0,
  [
    'Name',
    'Type',
    'Value',
    'Version',
    'Selector',
    'SourceResult',
    'LastModifiedDate',
    'ARN',
    'DataType',
  ],
  [0, 0, [() => PSParameterValue, 0], 1, 0, 0, 4, 0, 0],
];
export const GetParameterRequest$ = [
  3,
  SSM_NAMESPACE,
  'GetParameterRequest',
  0,
  ['Name', 'WithDecryption'],
  [0, 2],
  1,
];
export const GetParameterResult$ = [
  3,
  SSM_NAMESPACE,
  'GetParameterResult',
  0,
  ['Parameter'],
  [[() => Parameter$, 0]],
];
export const GetParameter$ = [
  9,
  SSM_NAMESPACE,
  'GetParameter',
  0,
  () => GetParameterRequest$,
  () => GetParameterResult$,
];

export const SSMServiceException$ = [-3, SYNTHETIC_NAMESPACE, 'SSMServiceException', 0, [], []];
const queryError = (name: string, status: number, fault: 'client' | 'server') => [
  -3,
  SSM_NAMESPACE,
  name,
  { awsQueryError: [name, status], error: fault },
  [name === 'InternalServerError' ? 'Message' : 'message'],
  [0],
];
// GetParameter's own errors, by SSM's API reference, then the two every SSM call can meet.
export const InternalServerError$ = queryError('InternalServerError', 500, 'server');
export const InvalidKeyId$ = queryError('InvalidKeyId', 400, 'client');
export const ParameterNotFound$ = queryError('ParameterNotFound', 404, 'client');
export const ParameterVersionNotFound$ = queryError('ParameterVersionNotFound', 400, 'client');
export const AccessDeniedException$ = [
  -3,
  SSM_NAMESPACE,
  'AccessDeniedException',
  { error: 'client' },
  ['Message'],
  [0],
  1,
];
export const ThrottlingException$ = [
  -3,
  SSM_NAMESPACE,
  'ThrottlingException',
  { error: 'client' },
  ['Message', 'QuotaCode', 'ServiceCode'],
  [0, 0, 0],
  1,
];
