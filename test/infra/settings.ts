// The deploy-time settings the infra tests try: none, an access policy, and every one.
const PARAMETER = '/synapse-version/access-policy';

/** Every deploy-time setting, by its SAM stack parameter name. */
export const EVERY_SETTING: Record<string, string> = {
  AccessPolicyParameter: PARAMETER,
  AccessPolicyTtlSeconds: '60',
  AccessPolicyMaxStaleSeconds: '120',
  DomainName: 'matrix-admin.example.org',
  CertificateArn:
    'arn:aws:acm:us-east-1:123456789012:certificate/12345678-90ab-cdef-1234-567890abcdef',
  HostedZoneId: 'Z0123456789ABCDEFGHIJ',
  ThrottlingBurstLimit: '40',
  ThrottlingRateLimit: '25',
  ReservedConcurrency: '5',
  AlarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:synapse-ops',
};

export const MODES: Record<string, Record<string, string>> = {
  open: {},
  locked: {
    AccessPolicyParameter: PARAMETER,
    AccessPolicyTtlSeconds: '60',
    AccessPolicyMaxStaleSeconds: '120',
  },
  'every setting': EVERY_SETTING,
};

/** The same settings as osls `--param`s: the SAM name with a lower-case first letter. */
export const asParams = (settings: Record<string, string>): string[] =>
  Object.entries(settings).flatMap(([name, value]) => [
    '--param',
    `${name.charAt(0).toLowerCase()}${name.slice(1)}=${value}`,
  ]);
