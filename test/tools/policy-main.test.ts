// `npm run policy`'s main in this process, through the real AWS SDK against moto_server:
// every verb's lines and exit status, its refusals, the faults it names, a competing edit
// between its read and its write (the tests' proxy in front of moto), and its token file.
// The command as a process of its own, through npm, is policy-command.test.ts.
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { decide, parsePolicy } from '../../handler/access/policy.ts';
import { main } from '../../scripts/policy.ts';
import { type Moto, startMoto } from '../support/moto.ts';
import { runMain } from '../support/run-main.ts';
import { type SsmHook, startSsmProxy } from '../support/ssm-proxy.ts';

const REGION = 'eu-west-1';
// A home without AWS config files: only what a test gives is the SDK's configuration.
const HOME = mkdtempSync(join(tmpdir(), 'policy-main-home-'));
const FOLDER = mkdtempSync(join(tmpdir(), 'policy-main-'));
const A = `${'a'.repeat(63)}1`;
const B = `${'b'.repeat(63)}2`;
const SEEN =
  'Instances apply it within ACCESS_POLICY_TTL_SECONDS (300 s unless the function sets another).';
const ADMIT =
  'Instances admit it within ACCESS_POLICY_TTL_SECONDS (300 s unless the function sets another).';
const GIVE =
  'Give the token to its caller (Authorization: Bearer <token>): it is not shown again, and only its digest is stored.';
const LOCKED_OUT =
  'this is the emergency lock-out: the policy admits nobody, and every caller is refused (401) within ACCESS_POLICY_TTL_SECONDS (300 s unless the function sets another)';

let moto: Moto;
let ssm: SSMClient;
beforeAll(async () => {
  moto = await startMoto();
  ssm = new SSMClient({
    region: REGION,
    endpoint: moto.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}, 60_000);
afterAll(async () => {
  ssm?.destroy();
  await moto?.stop();
});

/** The SDK's whole configuration, as the command would find it in its environment. */
function sdkEnvironment(endpoint: string, env: Record<string, string | undefined> = {}) {
  const all: Record<string, string | undefined> = {
    HOME,
    AWS_CONFIG_FILE: join(HOME, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(HOME, 'credentials'),
    AWS_PROFILE: undefined,
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
    AWS_ENDPOINT_URL: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SSM: endpoint,
    ...env,
  };
  for (const [name, value] of Object.entries(all)) vi.stubEnv(name, value);
}

beforeEach(() => sdkEnvironment(moto.url));
afterEach(() => {
  vi.unstubAllEnvs();
});

/** main with exactly these arguments, `env` for its parameter name. */
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runMain((a, output) => main(a, output, env), args);

/** main on `parameter` in eu-west-1, through `endpoint` (moto unless said). */
function policy(parameter: string, args: string[], endpoint?: string) {
  if (endpoint !== undefined) vi.stubEnv('AWS_ENDPOINT_URL_SSM', endpoint);
  return run([...args, '--parameter', parameter, '--region', REGION]);
}

async function stored(name: string) {
  try {
    const { Parameter } = await ssm.send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    return { value: Parameter?.Value, version: Parameter?.Version, type: Parameter?.Type };
  } catch (error) {
    if (error instanceof ParameterNotFound) return undefined;
    throw error;
  }
}

const put = (
  name: string,
  value: string,
  type: 'String' | 'SecureString' | 'StringList' = 'SecureString',
) => ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: true }));

const admits = (value: string | undefined, token: string) =>
  decide(parsePolicy(value ?? ''), {
    authorization: [`Bearer ${token}`],
    queryTokens: undefined,
    origins: [],
    sourceIp: undefined,
  }) === undefined;

const tokenLine = /^token {3}([A-Za-z0-9_-]{43})$/;
const digestLine = /^sha256 {2}([0-9a-f]{64})$/;

describe('every verb, on one parameter', () => {
  const name = '/main/verbs';
  let token = '';
  let digest = '';

  it('add-token creates the parameter, prints the token once, stores its digest', async () => {
    const result = await policy(name, ['add-token']);
    token = tokenLine.exec(result.out[0] ?? '')?.[1] ?? '';
    digest = digestLine.exec(result.out[1] ?? '')?.[1] ?? '';
    expect(result).toEqual({
      code: 0,
      out: [
        `token   ${token}`,
        `sha256  ${digest}`,
        `${name} in eu-west-1 is now version 1: 1 token, 0 networks, 0 page origins`,
        GIVE,
        ADMIT,
      ],
      err: [],
    });
    expect(await stored(name)).toEqual({
      value: JSON.stringify({ tokens_sha256: [digest] }),
      version: 1,
      type: 'SecureString',
    });
    expect(admits((await stored(name))?.value, token)).toBe(true);
  });

  it('add-network, add-origin: each a version, only its list changed', async () => {
    expect(await policy(name, ['add-network', '192.0.2.0/24'])).toEqual({
      code: 0,
      out: [`${name} in eu-west-1 is now version 2: 1 token, 1 network, 0 page origins`, SEEN],
      err: [],
    });
    expect(await policy(name, ['add-origin', 'https://admin.example.org'])).toEqual({
      code: 0,
      out: [`${name} in eu-west-1 is now version 3: 1 token, 1 network, 1 page origin`, SEEN],
      err: [],
    });
    expect(await policy(name, ['add-origin', 'https://other.example.org'])).toEqual({
      code: 0,
      out: [`${name} in eu-west-1 is now version 4: 1 token, 1 network, 2 page origins`, SEEN],
      err: [],
    });
    expect((await stored(name))?.value).toBe(
      JSON.stringify({
        tokens_sha256: [digest],
        source_cidrs: ['192.0.2.0/24'],
        page_origins: ['https://admin.example.org', 'https://other.example.org'],
      }),
    );
  });

  it('show lists every digest, network and origin, never a token', async () => {
    expect(await policy(name, ['show'])).toEqual({
      code: 0,
      out: [
        `${name} in eu-west-1 is version 4: 1 token, 1 network, 2 page origins`,
        `token sha256  ${digest}`,
        'network       192.0.2.0/24',
        'page origin   https://admin.example.org',
        'page origin   https://other.example.org',
      ],
      err: [],
    });
  });

  it('remove-origin, remove-network, remove-token: each removes its entry alone', async () => {
    expect(await policy(name, ['remove-origin', 'https://other.example.org'])).toEqual({
      code: 0,
      out: [`${name} in eu-west-1 is now version 5: 1 token, 1 network, 1 page origin`, SEEN],
      err: [],
    });
    expect(await policy(name, ['remove-origin', 'https://admin.example.org'])).toEqual({
      code: 0,
      out: [`${name} in eu-west-1 is now version 6: 1 token, 1 network, 0 page origins`, SEEN],
      err: [],
    });
    expect(await policy(name, ['remove-network', '192.0.2.0/24'])).toEqual({
      code: 0,
      out: [`${name} in eu-west-1 is now version 7: 1 token, 0 networks, 0 page origins`, SEEN],
      err: [],
    });
    expect((await stored(name))?.value).toBe(
      JSON.stringify({ tokens_sha256: [digest], source_cidrs: [], page_origins: [] }),
    );
    expect(
      await policy(name, ['remove-token', digest.slice(0, 8).toUpperCase(), '--lock-everyone-out']),
    ).toEqual({
      code: 0,
      out: [
        `${name} in eu-west-1 is now version 8: 0 tokens, 0 networks, 0 page origins`,
        LOCKED_OUT,
      ],
      err: [],
    });
    expect(admits((await stored(name))?.value, token)).toBe(false);
  });

  it('show says a policy that admits nobody is the lock-out', async () => {
    expect(await policy(name, ['show'])).toEqual({
      code: 0,
      out: [
        `${name} in eu-west-1 is version 8: 0 tokens, 0 networks, 0 page origins`,
        'it admits nobody (the emergency lock-out): every caller is refused (401)',
      ],
      err: [],
    });
  });
});

describe('edits refused, nothing written', () => {
  it('a removal of a parameter that does not exist', async () => {
    for (const args of [
      ['remove-network', '192.0.2.0/24'],
      ['remove-origin', 'https://a.example'],
      ['remove-token', 'abcdef01'],
    ]) {
      expect(await policy('/main/absent', args)).toEqual({
        code: 1,
        out: [],
        err: [
          'error: /main/absent does not exist in eu-west-1 (ParameterNotFound): nothing to remove',
        ],
      });
    }
    expect(await stored('/main/absent')).toBeUndefined();
  });

  it('an edit that would leave a policy the function refuses', async () => {
    const name = '/main/origin-alone';
    await put(
      name,
      JSON.stringify({ source_cidrs: ['192.0.2.0/24'], page_origins: ['https://a.example'] }),
    );
    expect(await policy(name, ['remove-network', '192.0.2.0/24'])).toEqual({
      code: 1,
      out: [],
      err: [
        'error: the policy would not be valid: page_origins is given without source_cidrs, and alone admits nobody; nothing written',
      ],
    });
    expect((await stored(name))?.version).toBe(1);
  });

  it('an edit that would admit nobody, without --lock-everyone-out', async () => {
    const name = '/main/last-network';
    await put(name, JSON.stringify({ source_cidrs: ['192.0.2.0/24'] }), 'String');
    expect(await policy(name, ['remove-network', '192.0.2.0/24'])).toEqual({
      code: 1,
      out: [],
      err: [
        'error: the policy would admit nobody (no token, no network): every caller would be refused; nothing written (give --lock-everyone-out to lock everyone out on purpose)',
      ],
    });
    expect(await stored(name)).toMatchObject({ version: 1, type: 'String' });
    expect(await policy(name, ['remove-network', '192.0.2.0/24', '--lock-everyone-out'])).toEqual({
      code: 0,
      out: [
        `${name} in eu-west-1 is now version 2: 0 tokens, 0 networks, 0 page origins`,
        LOCKED_OUT,
      ],
      err: [],
    });
    expect((await stored(name))?.value).toBe('{"source_cidrs":[]}');
  });

  it('an entry already listed, or not listed, in the words of the edit', async () => {
    const name = '/main/listed';
    await put(name, JSON.stringify({ tokens_sha256: [A, B], source_cidrs: ['192.0.2.0/24'] }));
    expect(await policy(name, ['add-network', '192.0.2.0/24'])).toEqual({
      code: 1,
      out: [],
      err: ['error: network 192.0.2.0/24 is already listed; nothing written'],
    });
    expect(await policy(name, ['remove-token', 'cccccccc'])).toEqual({
      code: 1,
      out: [],
      err: ['error: no listed token digest starts with cccccccc; nothing written'],
    });
    expect((await stored(name))?.version).toBe(1);
  });
});

describe('a stored value the function refuses', () => {
  it.each([
    ['/main/not-json', '{"tokens_sha256":["cafe-secret"', 'SecureString', 'the value is not JSON'],
    [
      '/main/string-list',
      'cafe-secret,other',
      'StringList',
      'the parameter is a StringList, which the function refuses: it must be a SecureString or String',
    ],
  ] as const)(
    '%s: show and an edit name the fault, never the value',
    async (name, value, type, fault) => {
      await put(name, value, type);
      const shown = await policy(name, ['show']);
      expect(shown).toEqual({
        code: 1,
        out: [],
        err: [
          `error: ${name} in eu-west-1 is version 1, which the function refuses (503 to every read): ${fault}`,
        ],
      });
      const edit = await policy(name, ['add-network', '192.0.2.0/24']);
      expect(edit).toEqual({
        code: 1,
        out: [],
        err: [
          `error: ${name} in eu-west-1 (version 1) is no policy the function accepts: ${fault}; nothing written (fix it, or give --discard-invalid to start from an empty policy)`,
        ],
      });
      expect(await stored(name)).toMatchObject({ version: 1, value });
    },
  );

  it('a String the function accepts is shown, as a SecureString is', async () => {
    const name = '/main/string';
    await put(name, JSON.stringify({ source_cidrs: ['192.0.2.0/24'] }), 'String');
    expect(await policy(name, ['show'])).toEqual({
      code: 0,
      out: [
        `${name} in eu-west-1 is version 1: 0 tokens, 1 network, 0 page origins`,
        'network       192.0.2.0/24',
      ],
      err: [],
    });
  });

  it('is replaced by an empty policy and the edit with --discard-invalid, said so', async () => {
    const name = '/main/discarded';
    await put(name, 'cafe-secret,other', 'StringList');
    expect(await policy(name, ['add-network', '192.0.2.0/24', '--discard-invalid'])).toEqual({
      code: 0,
      out: [`${name} in eu-west-1 is now version 2: 0 tokens, 1 network, 0 page origins`, SEEN],
      err: [
        'note: version 1 is no policy the function accepts (the parameter is a StringList, which the function refuses: it must be a SecureString or String); --discard-invalid: starting from an empty policy',
      ],
    });
    expect(await stored(name)).toEqual({
      value: '{"source_cidrs":["192.0.2.0/24"]}',
      version: 2,
      type: 'SecureString',
    });
  });

  it('a usable value is edited, not discarded, with --discard-invalid', async () => {
    const name = '/main/kept';
    await put(name, JSON.stringify({ tokens_sha256: [A] }));
    expect(await policy(name, ['add-network', '192.0.2.0/24', '--discard-invalid'])).toEqual({
      code: 0,
      out: [`${name} in eu-west-1 is now version 2: 1 token, 1 network, 0 page origins`, SEEN],
      err: [],
    });
  });
});

describe('the parameter and its region', () => {
  it('show of a parameter that does not exist', async () => {
    expect(await policy('/main/nowhere', ['show'])).toEqual({
      code: 1,
      out: [],
      err: [
        'error: /main/nowhere does not exist in eu-west-1 (ParameterNotFound): the function reads it in its own account and region',
      ],
    });
  });

  it('--region over the SDK’s AWS_REGION; without it, AWS_REGION', async () => {
    const name = '/main/regions';
    await moto.putSecureString(name, JSON.stringify({ source_cidrs: ['192.0.2.0/24'] }));
    vi.stubEnv('AWS_REGION', 'us-east-1');
    expect(await run(['show', '--parameter', name, '--region', 'eu-west-1'])).toEqual({
      code: 1,
      out: [],
      err: [
        `error: ${name} does not exist in eu-west-1 (ParameterNotFound): the function reads it in its own account and region`,
      ],
    });
    expect(await run(['show', '--parameter', name])).toEqual({
      code: 0,
      out: [
        `${name} in us-east-1 is version 1: 0 tokens, 1 network, 0 page origins`,
        'network       192.0.2.0/24',
      ],
      err: [],
    });
  });

  it.each(['us-gov-west-1', 'cn-north-1', 'ap-southeast-5'])(
    'takes the region name %s',
    async (region) => {
      expect(await run(['show', '--parameter', '/main/any', '--region', region])).toEqual({
        code: 1,
        out: [],
        err: [
          `error: /main/any does not exist in ${region} (ParameterNotFound): the function reads it in its own account and region`,
        ],
      });
    },
  );

  it('takes a region numbered past 9, as AWS may come to', async () => {
    // moto knows only today's regions: an endpoint that refuses shows the region asked.
    vi.stubEnv('AWS_ENDPOINT_URL_SSM', 'http://127.0.0.1:9');
    expect(await run(['show', '--parameter', '/main/any', '--region', 'eu-central-12'])).toEqual({
      code: 1,
      out: [],
      err: [
        'error: SSM in eu-central-12 could not be reached (Error ECONNREFUSED): check the network, and AWS_ENDPOINT_URL_SSM or AWS_ENDPOINT_URL if set',
      ],
    });
  });

  it.each([
    ' eu-west-1',
    'eu-west-1a',
    'e-west-1',
    'eu-1',
    'eu-west-',
    'eu-west-123',
    'EU-west-1',
    'eu-w3st-1',
  ])('refuses the region name %j, exit 2', async (region) => {
    expect(await run(['show', '--region', region])).toEqual({
      code: 2,
      out: [],
      err: [
        `error: --region must be an AWS region such as eu-west-1: ${JSON.stringify(region)} (--help for usage)`,
      ],
    });
  });

  it('without --region nor AWS_REGION: no region, exit 1', async () => {
    expect(await run(['show', '--parameter', '/main/any'])).toEqual({
      code: 1,
      out: [],
      err: ["error: no region: give --region, the function's own region"],
    });
  });

  it('ACCESS_POLICY_PARAMETER, without --parameter', async () => {
    expect(
      await run(['show', '--region', REGION], { ACCESS_POLICY_PARAMETER: '/main/from-env' }),
    ).toEqual({
      code: 1,
      out: [],
      err: [
        'error: /main/from-env does not exist in eu-west-1 (ParameterNotFound): the function reads it in its own account and region',
      ],
    });
  });
});

describe('the command line, refused before AWS', () => {
  it.each([
    [['remove-token'], 'remove-token takes one argument: <digest or prefix>'],
    [['remove-network'], 'remove-network takes one argument: <cidr>'],
    [['add-origin'], 'add-origin takes one argument: <origin>'],
    [['remove-origin'], 'remove-origin takes one argument: <origin>'],
    [
      ['remove-origin', 'https://a.example/'],
      'page origin "https://a.example/" is not an origin as browsers send it: https://host or https://host:port, lower case, no path or trailing slash',
    ],
    [['add-token', 'extra'], 'add-token takes no argument'],
    [['add-network', '192.0.2.0/24', '--token-file', 'x'], '--token-file goes with add-token only'],
    [
      ['add-token', '--token-file', 'package.json'],
      '--token-file package.json exists: a token file is never overwritten',
    ],
  ])('%j', async (args, message) => {
    expect(await run(args)).toEqual({
      code: 2,
      out: [],
      err: [`error: ${message} (--help for usage)`],
    });
  });
});

describe('--token-file', () => {
  it('writes the token to a new file, mode 0600, and prints only its digest', async () => {
    const name = '/main/token-file';
    const file = join(FOLDER, 'blackbox-token');
    const result = await policy(name, ['add-token', '--token-file', file]);
    const token = readFileSync(file, 'utf8');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const digest = digestLine.exec(result.out[1] ?? '')?.[1] ?? '';
    expect(result).toEqual({
      code: 0,
      out: [
        `token   in ${file} (mode 0600)`,
        `sha256  ${digest}`,
        `${name} in eu-west-1 is now version 1: 1 token, 0 networks, 0 page origins`,
        `Give ${file} to its caller (a blackbox exporter's credentials_file): the token is shown nowhere else, and only its digest is stored.`,
        ADMIT,
      ],
      err: [],
    });
    expect((await stored(name))?.value).toBe(JSON.stringify({ tokens_sha256: [digest] }));
    expect(admits((await stored(name))?.value, token)).toBe(true);
  });

  it('stores nothing when the file cannot be written', async () => {
    const name = '/main/token-file-unwritable';
    const file = join(FOLDER, 'no-such-folder', 'token');
    expect(await policy(name, ['add-token', '--token-file', file])).toEqual({
      code: 1,
      out: [],
      err: [`error: could not write the token file ${file} (ENOENT): nothing written`],
    });
    expect(await stored(name)).toBeUndefined();
  });

  it('never replaces a file that appears after the command line was checked', async () => {
    const name = '/main/token-file-appeared';
    const file = join(FOLDER, 'appeared-token');
    const proxy = await startSsmProxy(moto.url, ({ operation, count }) => {
      if (operation === 'GetParameter' && count === 2) writeFileSync(file, 'someone else’s');
      return undefined;
    });
    try {
      expect(await policy(name, ['add-token', '--token-file', file], proxy.url)).toEqual({
        code: 1,
        out: [],
        err: [`error: could not write the token file ${file} (EEXIST): nothing written`],
      });
    } finally {
      await proxy.close();
    }
    expect(readFileSync(file, 'utf8')).toBe('someone else’s');
    expect(await stored(name)).toBeUndefined();
  });

  it('leaves no file behind when SSM refuses the write', async () => {
    const name = '/main/token-file-refused';
    const file = join(FOLDER, 'refused-token');
    const proxy = await startSsmProxy(moto.url, ({ operation }) =>
      operation === 'PutParameter'
        ? { status: 400, body: JSON.stringify({ __type: 'AccessDeniedException', message: 'no' }) }
        : undefined,
    );
    try {
      expect(await policy(name, ['add-token', '--token-file', file], proxy.url)).toEqual({
        code: 1,
        out: [],
        err: [
          `error: access denied (AccessDeniedException (HTTP 400)): the credentials may not read or write ${name} in eu-west-1 (ssm:GetParameter, ssm:PutParameter)`,
        ],
      });
    } finally {
      await proxy.close();
    }
    expect(existsSync(file)).toBe(false);
    expect(await stored(name)).toBeUndefined();
  });
});

describe('an edit of someone else’s between the read and the write', () => {
  async function through(hook: SsmHook, name: string, args: string[]) {
    const proxy = await startSsmProxy(moto.url, hook);
    try {
      return { result: await policy(name, args, proxy.url), calls: proxy.calls };
    } finally {
      await proxy.close();
    }
  }
  const secondRead =
    (act: () => Promise<unknown>): SsmHook =>
    async ({ operation, count }) => {
      if (operation === 'GetParameter' && count === 2) await act();
      return undefined;
    };

  it('landing before the second read: detected, nothing written', async () => {
    const name = '/main/race-read';
    await put(name, JSON.stringify({ source_cidrs: ['192.0.2.0/24'] }));
    const theirs = JSON.stringify({ source_cidrs: ['198.51.100.0/24'] });
    const { result, calls } = await through(
      secondRead(() => put(name, theirs)),
      name,
      ['add-network', '203.0.113.0/24'],
    );
    expect(calls).toEqual(['GetParameter', 'GetParameter']);
    expect(result).toEqual({
      code: 1,
      out: [],
      err: [
        `error: ${name} changed while this command ran (read as version 1, now version 2): nothing written; run it again`,
      ],
    });
    expect(await stored(name)).toMatchObject({ version: 2, value: theirs });
  });

  it('creating it before the second read: read as absent', async () => {
    const name = '/main/race-created';
    const theirs = JSON.stringify({ source_cidrs: ['198.51.100.0/24'] });
    const { result } = await through(
      secondRead(() => put(name, theirs)),
      name,
      ['add-network', '203.0.113.0/24'],
    );
    expect(result).toEqual({
      code: 1,
      out: [],
      err: [
        `error: ${name} changed while this command ran (read as absent, now version 1): nothing written; run it again`,
      ],
    });
  });

  it('deleting it before the second read: now absent', async () => {
    const name = '/main/race-deleted';
    await put(name, JSON.stringify({ source_cidrs: ['192.0.2.0/24'] }));
    const { result } = await through(
      secondRead(() => ssm.send(new DeleteParameterCommand({ Name: name }))),
      name,
      ['add-network', '203.0.113.0/24'],
    );
    expect(result).toEqual({
      code: 1,
      out: [],
      err: [
        `error: ${name} changed while this command ran (read as version 1, now absent): nothing written; run it again`,
      ],
    });
    expect(await stored(name)).toBeUndefined();
  });

  it('landing between the second read and the write: written, warned of, exit 1', async () => {
    const name = '/main/race-write';
    await put(name, JSON.stringify({ source_cidrs: ['192.0.2.0/24'] }));
    const { result, calls } = await through(
      async ({ operation }) => {
        if (operation === 'PutParameter') await put(name, JSON.stringify({ source_cidrs: [] }));
        return undefined;
      },
      name,
      ['add-network', '203.0.113.0/24'],
    );
    expect(calls).toEqual(['GetParameter', 'GetParameter', 'PutParameter']);
    expect(result).toEqual({
      code: 1,
      out: [`${name} in eu-west-1 is now version 3: 0 tokens, 2 networks, 0 page origins`, SEEN],
      err: [
        `warning: another edit was written between this command's read (version 1) and its write (version 3, not 2), and this write replaced it: check that the tokens and networks above are all meant, and what the other edit wrote (aws ssm get-parameter-history --name ${name} --region eu-west-1)`,
      ],
    });
    expect((await stored(name))?.value).toBe(
      JSON.stringify({ source_cidrs: ['192.0.2.0/24', '203.0.113.0/24'] }),
    );
  });

  it('creating it as this command does: SSM refuses the second creation, the file goes', async () => {
    const name = '/main/race-create';
    const theirs = JSON.stringify({ source_cidrs: ['198.51.100.0/24'] });
    const file = join(FOLDER, 'race-token');
    const { result } = await through(
      async ({ operation }) => {
        if (operation === 'PutParameter') await put(name, theirs);
        return undefined;
      },
      name,
      ['add-token', '--token-file', file],
    );
    expect(result).toEqual({
      code: 1,
      out: [],
      err: [
        `error: ${name} was created by another edit while this command ran: nothing written; run it again`,
      ],
    });
    expect(await stored(name)).toMatchObject({ version: 1, value: theirs });
    expect(existsSync(file)).toBe(false);
  });
});

describe('AWS faults, in one line, never SSM’s message', () => {
  const answering =
    (type: string, operation = 'GetParameter'): SsmHook =>
    (call) =>
      call.operation === operation
        ? { status: 400, body: JSON.stringify({ __type: type, message: 'quoting cafe-secret' }) }
        : undefined;

  async function faulted(hook: SsmHook, args: string[]) {
    const proxy = await startSsmProxy(moto.url, hook);
    try {
      return await policy('/main/faulted', args, proxy.url);
    } finally {
      await proxy.close();
    }
  }

  it.each([
    [
      'AccessDeniedException',
      'access denied (AccessDeniedException (HTTP 400)): the credentials may not read or write /main/faulted in eu-west-1 (ssm:GetParameter, ssm:PutParameter)',
    ],
    [
      'AccessDenied',
      'access denied (AccessDenied (HTTP 400)): the credentials may not read or write /main/faulted in eu-west-1 (ssm:GetParameter, ssm:PutParameter)',
    ],
    [
      'KMSAccessDeniedException',
      "KMS refused the SecureString's key for /main/faulted in eu-west-1 (KMSAccessDeniedException (HTTP 400)): the credentials need kms:Decrypt and kms:Encrypt on it",
    ],
    [
      'InvalidKeyId',
      "KMS refused the SecureString's key for /main/faulted in eu-west-1 (InvalidKeyId (HTTP 400)): the credentials need kms:Decrypt and kms:Encrypt on it",
    ],
    [
      'ParameterNotFound',
      '/main/faulted does not exist in eu-west-1 (ParameterNotFound): the function reads it in its own account and region',
    ],
  ])('%s on show', async (type, line) => {
    expect(await faulted(answering(type), ['show'])).toEqual({
      code: 1,
      out: [],
      err: [`error: ${line}`],
    });
  });

  it('a fault of the write, without a token file', async () => {
    expect(
      await faulted(answering('InternalServerError', 'PutParameter'), [
        'add-network',
        '192.0.2.0/24',
      ]),
    ).toEqual({
      code: 1,
      out: [],
      err: [
        'error: SSM refused or failed the request for /main/faulted in eu-west-1 (InternalServerError (HTTP 400))',
      ],
    });
  });

  it('an endpoint that does not answer', async () => {
    expect(await policy('/main/any', ['add-token'], 'http://127.0.0.1:9')).toEqual({
      code: 1,
      out: [],
      err: [
        'error: SSM in eu-west-1 could not be reached (Error ECONNREFUSED): check the network, and AWS_ENDPOINT_URL_SSM or AWS_ENDPOINT_URL if set',
      ],
    });
  });

  it('no credentials', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    expect(await policy('/main/any', ['show'])).toEqual({
      code: 1,
      out: [],
      err: [
        'error: no AWS credentials found (CredentialsProviderError): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      ],
    });
  });
});
