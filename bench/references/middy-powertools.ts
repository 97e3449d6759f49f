// The same route as middy with Powertools' logger and SSM parameters provider, as a
// Powertools-style app would be. With ACCESS_POLICY_PARAMETER set it reads the policy as
// Powertools' users do: in the handler, decrypted, cached for the TTL.
import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

const logger = new Logger({ serviceName: 'synapse-version' });
const parameters = new SSMProvider();
const policyName = process.env.ACCESS_POLICY_PARAMETER;
const version = JSON.stringify({ server_version: '1.0.0', python_version: process.versions.node });
const headers = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  'Access-Control-Allow-Origin': '*',
  Server: 'Synapse/1.0.0',
};
const unrecognized = '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}';

async function admitted(event: APIGatewayProxyEventV2): Promise<boolean> {
  if (!policyName) return true;
  const policy = (await parameters.get(policyName, {
    decrypt: true,
    maxAge: 300,
    transform: 'json',
  })) as { tokens_sha256?: string[] } | undefined;
  const token = /^Bearer (.+)$/.exec(event.headers.authorization ?? '')?.[1] ?? '';
  const digest = createHash('sha256').update(token).digest('hex');
  return policy?.tokens_sha256?.includes(digest) ?? false;
}

const answer = async (event: APIGatewayProxyEventV2) => {
  const { method } = event.requestContext.http;
  if (event.rawPath !== '/_synapse/admin/v1/server_version') {
    return { statusCode: 404, headers, body: unrecognized };
  }
  if (method !== 'GET' && method !== 'HEAD') {
    return { statusCode: 405, headers, body: unrecognized };
  }
  if (!(await admitted(event))) {
    return { statusCode: 401, headers, body: '{"errcode":"M_UNKNOWN_TOKEN"}' };
  }
  return { statusCode: 200, headers, body: version };
};

export const handler = middy(answer).use(injectLambdaContext(logger));
