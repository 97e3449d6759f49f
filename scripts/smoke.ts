// `npm run smoke -- <base URL>`: checks a deployed (or local) endpoint against Synapse's
// whole answer table — statuses, bodies, complete header sets, the browser preflight, the
// host-root requirement of web admin pages — and that it serves the version baked into the
// local dist/ (or --expect-version). One line per check; exit 1 listing what differs. For a
// CD pipeline, right after `serverless deploy` or `sam deploy`.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { projectRoot } from '../harness/project-root.ts';
import { readCommandLine, refuse, runScript, type ScriptOutput } from './command-line.ts';
import { bakedDocument } from './dist-version.ts';
import {
  BROWSER_PREFLIGHT,
  MISSING_TOKEN,
  synapseHealthHeaders,
  synapseJsonHeaders,
  synapsePreflightHeaders,
  UNRECOGNIZED,
  VERSION_PATH,
} from './synapse-reference.ts';

const USAGE = `usage: npm run smoke -- <base URL> [--expect-version <server_version>] [--token-file <path> | --token <token>]

Checks the endpoint at <base URL> (the root of its host, e.g. https://matrix-admin.example.org)
against Synapse's answers. The expected server_version is the one baked into the local dist/
unless --expect-version gives it. For a locked endpoint, --token-file reads the token from a
file that holds it alone (the monitor's, e.g. /etc/prometheus/synapse-version.token): it stays
out of the shell's history and the process list, as SMOKE_TOKEN in the environment does;
--token gives it on the command line. It is sent on the version reads only, never printed.
With a token, the endpoint is checked as locked: every answer but the admitted read must keep
the version to itself.`;

/** Whether a gateway, a CDN or the connection adds the header beside the function's own. */
function addedOnTheWay(name: string): boolean {
  return [
    'date',
    'connection',
    'keep-alive',
    'content-length',
    'apigw-requestid',
    'x-amzn-requestid',
    'x-amzn-trace-id',
    'x-amz-apigw-id',
    'via',
    'x-cache',
    'x-amz-cf-pop',
    'x-amz-cf-id',
    'age',
    'alt-svc',
    'strict-transport-security',
  ].includes(name);
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function send(
  base: URL,
  method: string | undefined,
  path: string,
  headers: Record<string, string>,
  timeoutMs: number,
) {
  const request = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      {
        protocol: base.protocol,
        host: base.hostname,
        port: base.port,
        method,
        path,
        headers: { 'user-agent': 'synapse-version-smoke', ...headers },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          // A header sent on several lines is one list, as HTTP defines it; headersDistinct
          // holds every line of every name.
          const flat: Record<string, string> = {};
          const distinct = Object.entries(res.headersDistinct) as [string, string[]][];
          for (const [name, values] of distinct) {
            flat[name] = values.join(', ');
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: flat,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

/** What differs between an answer and Synapse's, or an empty list. */
function differences(
  reply: Reply,
  status: number,
  headers: Record<string, string>,
  body: string | RegExp,
): string[] {
  const found: string[] = [];
  if (reply.status !== status) found.push(`status ${reply.status}, expected ${status}`);
  const bodyOk = typeof body === 'string' ? reply.body === body : body.test(reply.body);
  if (!bodyOk) found.push(`body ${JSON.stringify(reply.body.slice(0, 200))}, expected ${body}`);
  for (const [name, value] of Object.entries(headers)) {
    if (reply.headers[name] === undefined) found.push(`no ${name} header`);
    else if (reply.headers[name] !== value) {
      found.push(
        `${name}: ${JSON.stringify(reply.headers[name])}, expected ${JSON.stringify(value)}`,
      );
    }
  }
  for (const name of Object.keys(reply.headers)) {
    if (!(name in headers) && !addedOnTheWay(name)) found.push(`unexpected header ${name}`);
  }
  return found;
}

/** `text` as a pattern that matches it literally (the smoke test builds its own from it). */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface SmokeOptions {
  /** Sent on the version reads, for a locked endpoint; never printed. */
  token?: string | undefined;
  /** Where each check's line goes. */
  print?: (line: string) => void;
  /** How long each request may take. */
  timeoutMs?: number;
}

/** Runs every check against `baseText`, printing a line each; the failures, or none. */
export async function smoke(
  baseText: string,
  expectVersion: string,
  { token, print = console.log, timeoutMs = 10_000 }: SmokeOptions = {},
): Promise<string[]> {
  const failures: string[] = [];
  const check = async (name: string, run: () => Promise<string[]>) => {
    let found: string[];
    try {
      found = await run();
    } catch (error) {
      found = [error instanceof Error ? error.message : String(error)];
    }
    print(
      `${found.length === 0 ? 'ok  ' : 'FAIL'} ${name}${found.length ? `: ${found.join('; ')}` : ''}`,
    );
    if (found.length) failures.push(`${name}: ${found.join('; ')}`);
  };
  const base = new URL(baseText);
  const ask = (method: string, path: string, headers: Record<string, string>) =>
    send(base, method, path, headers, timeoutMs);
  // No method is Node's GET.
  const get = (path: string, headers: Record<string, string>) =>
    send(base, undefined, path, headers, timeoutMs);
  const json = synapseJsonHeaders(expectVersion);
  // Locked, only the admitted read carries the version; every other answer says `Synapse`.
  const strangersSee = token ? undefined : expectVersion;
  const strangerJson = synapseJsonHeaders(strangersSee);
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const document = new RegExp(
    `^\\{"server_version":${escapeRegExp(JSON.stringify(expectVersion))}(,"python_version":"[0-9.]+")?\\}$`,
  );
  // Any 401 to a request without a token: this function's own policy, or a gateway's.
  const locked = (reply: Reply) =>
    reply.status === 401 && !token ? ['the endpoint is locked: pass --token-file'] : [];

  await check('the base URL is the root of its host (web admin pages need it)', async () =>
    base.pathname === '/' && base.search === ''
      ? []
      : [`it has the path ${base.pathname}${base.search}`],
  );
  await check(`GET ${VERSION_PATH}: 200, the version document, Synapse's headers`, async () => {
    const reply = await get(VERSION_PATH, { accept: 'application/json', ...auth });
    return [...locked(reply), ...differences(reply, 200, json, document)];
  });
  await check(`server_version is ${JSON.stringify(expectVersion)}`, async () => {
    const reply = await get(VERSION_PATH, auth);
    const served = (JSON.parse(reply.body) as { server_version?: unknown }).server_version;
    return served === expectVersion ? [] : [`it is ${JSON.stringify(served)}`];
  });
  await check(`HEAD ${VERSION_PATH}: 200, no body, the same headers`, async () =>
    differences(await ask('HEAD', VERSION_PATH, auth), 200, json, ''),
  );
  await check('a query string is ignored', async () => {
    // An access_token beside the header is Synapse's "Mixing Authorization headers…" 401
    // wherever a token is read: only the open route ignores it.
    const query = token ? '?since=1' : '?since=1&access_token=x';
    const reply = await get(`${VERSION_PATH}${query}`, auth);
    return differences(reply, 200, json, document);
  });
  if (token) {
    await check(
      `GET ${VERSION_PATH} without the token: 401 M_MISSING_TOKEN, no version`,
      async () => differences(await get(VERSION_PATH, {}), 401, strangerJson, MISSING_TOKEN),
    );
  }
  await check(`POST ${VERSION_PATH}: 405 M_UNRECOGNIZED`, async () =>
    differences(await ask('POST', VERSION_PATH, {}), 405, strangerJson, UNRECOGNIZED),
  );
  for (const path of [`${VERSION_PATH}/`, '/_synapse/admin/v1/server_versions', '/']) {
    await check(`GET ${path}: 404 M_UNRECOGNIZED`, async () =>
      differences(await get(path, {}), 404, strangerJson, UNRECOGNIZED),
    );
  }
  await check(
    `OPTIONS ${VERSION_PATH} as a browser sends it: 204, the CORS headers only`,
    async () =>
      differences(
        await ask('OPTIONS', VERSION_PATH, BROWSER_PREFLIGHT),
        204,
        synapsePreflightHeaders(strangersSee),
        '',
      ),
  );
  await check('GET /health: 200 text/plain OK', async () =>
    differences(await get('/health', {}), 200, synapseHealthHeaders(strangersSee), 'OK'),
  );
  return failures;
}

/** The token a file holds alone: read whole, one final line end dropped, as the exporter does. */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return refuse(`--token-file ${JSON.stringify(path)} cannot be read: ${code}`);
  }
  const token = text.trim();
  // Whatever the file holds is not quoted: it may be a token in the wrong place.
  if (token === '') refuse(`--token-file ${JSON.stringify(path)} is empty`);
  if (/\s/.test(token)) {
    refuse(`--token-file ${JSON.stringify(path)} holds more than one token (blanks inside)`);
  }
  return token;
}

/** The token from --token-file, --token or SMOKE_TOKEN, at most one of the first two. */
function givenToken(
  token: string | undefined,
  tokenFile: string | undefined,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (token !== undefined && tokenFile !== undefined) {
    refuse('give --token-file or --token, not both');
  }
  if (tokenFile !== undefined) return readTokenFile(tokenFile);
  return token ?? env.SMOKE_TOKEN;
}

/** `npm run smoke -- <base URL>`: 0 when every check passes, 1 listing those that differ. */
export async function main(
  args: string[],
  output: ScriptOutput,
  env: NodeJS.ProcessEnv = process.env,
  root: string = projectRoot,
): Promise<number> {
  const { values: options, positionals } = readCommandLine(
    {
      'expect-version': { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
    },
    USAGE,
    args,
  );
  const [target, ...extra] = positionals;
  if (target === undefined || extra.length > 0 || !/^https?:\/\//.test(target)) {
    refuse('give one base URL, such as https://matrix-admin.example.org');
  }
  const expectVersion = options['expect-version'] ?? bakedDocument(root)?.server_version;
  if (expectVersion === undefined) {
    refuse('no dist/ to take the expected version from: npm run build, or --expect-version');
  }
  const failures = await smoke(target, expectVersion, {
    token: givenToken(options.token, options['token-file'], env),
    print: output.out,
  });
  if (failures.length > 0) {
    output.err(`\nsmoke failed, ${failures.length} check(s) differ:\n  ${failures.join('\n  ')}`);
    return 1;
  }
  output.out('\nsmoke passed: the endpoint answers as Synapse does');
  return 0;
}

await runScript(import.meta.url, main);
