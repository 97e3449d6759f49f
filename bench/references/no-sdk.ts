// The floor for access-policy mode: the same policy code reading the same parameter with no
// AWS SDK at all, node:https and a hand-written SigV4 signature (sigv4.ts), at init with a
// top-level await. What no SDK-based read can beat; the product keeps the SDK for its
// retries, error classification and endpoint rules, and the benchmark shows the difference.
import { request } from 'node:https';
import type { AccessPolicy } from '../../handler/access/policy.ts';
import { decide, parsePolicy } from '../../handler/access/policy.ts';
import { readAccessSettings } from '../../handler/access-settings.ts';
import { readCaller, readEvent, shapeResult } from '../../handler/http-events.ts';
import { createResponder } from '../../handler/responder.ts';
import { routeOf } from '../../handler/routes.ts';
import { versionDocument } from '../../handler/version-document.ts';
import { signPost } from './sigv4.ts';

function post(url: URL, headers: Record<string, string>, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, timeout: 1_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(text)
          : reject(new Error(`SSM answered ${res.statusCode}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error('SSM timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

async function readPolicy(name: string): Promise<AccessPolicy> {
  const { env } = process;
  const region = env.AWS_REGION ?? '';
  const url = new URL(env.AWS_ENDPOINT_URL_SSM ?? `https://ssm.${region}.amazonaws.com`);
  const body = JSON.stringify({ Name: name, WithDecryption: true });
  const { headers } = signPost({
    host: url.host,
    region,
    service: 'ssm',
    body,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonSSM.GetParameter',
    },
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
      sessionToken: env.AWS_SESSION_TOKEN,
    },
    at: new Date(),
  });
  const answer = JSON.parse(await post(url, headers, body)) as { Parameter?: { Value?: string } };
  return parsePolicy(answer.Parameter?.Value ?? '');
}

const respond = createResponder(versionDocument);
const settings = readAccessSettings(process.env);
const policy = settings ? await readPolicy(settings.parameterName) : undefined;

export async function handler(event: unknown) {
  const request = readEvent(event);
  if (!request) return versionDocument;
  if (!policy || routeOf(request.method, request.path) !== 'version')
    return shapeResult(request.format, respond(request));
  return shapeResult(request.format, respond(request, decide(policy, readCaller(request))));
}
