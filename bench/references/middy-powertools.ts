// The same route as middy with Powertools' logger and an SSM parameters provider set up,
// as a Powertools-style app would be, though no parameter is read in open mode.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

const logger = new Logger({ serviceName: 'synapse-version' });
export const parameters = new SSMProvider();
const version = JSON.stringify({ server_version: '1.0.0', python_version: process.versions.node });
const headers = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  'Access-Control-Allow-Origin': '*',
  Server: 'Synapse/1.0.0',
};

const answer = async (event: APIGatewayProxyEventV2) => {
  const { method } = event.requestContext.http;
  if (event.rawPath !== '/_synapse/admin/v1/server_version') {
    return {
      statusCode: 404,
      headers,
      body: '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}',
    };
  }
  if (method !== 'GET' && method !== 'HEAD') {
    return {
      statusCode: 405,
      headers,
      body: '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}',
    };
  }
  return { statusCode: 200, headers, body: version };
};

export const handler = middy(answer).use(injectLambdaContext(logger));
