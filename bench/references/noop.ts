// The floor: a handler that answers every event with one constant result.
const result = {
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: '{"server_version":"0.0.0"}',
  isBase64Encoded: false,
};

export const handler = async (_event: unknown) => result;
