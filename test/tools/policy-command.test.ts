// `npm run policy` as the command it is, a process of its own, through the real AWS SDK
// against moto_server: its command line, its environment (region, credentials, endpoint),
// its exit status, its token file, and npm. Every verb, refusal, fault and competing edit,
// line by line, is policy-main.test.ts, in this process, where mutation testing sees it.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, parsePolicy } from '../../handler/access/policy.ts';
import { projectRoot } from '../../harness/project-root.ts';
import { consoleExamples, runExample } from '../support/console-examples.ts';
import { type Moto, startMoto } from '../support/moto.ts';

const SCRIPT = join(projectRoot, 'scripts/policy.ts');
const REGION = 'eu-west-1';
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
// A home without AWS config files, so that only what a test gives is the SDK's configuration.
const HOME = mkdtempSync(join(tmpdir(), 'policy-home-'));

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

interface Run {
  code: number;
  out: string[];
  err: string[];
}

const lines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/** The command, with only the environment given (and PATH, HOME). */
function runPolicy(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SCRIPT, ...args],
      {
        cwd: projectRoot,
        timeout: 30_000,
        env: { PATH: process.env.PATH, HOME, AWS_EC2_METADATA_DISABLED: 'true', ...env },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, out: lines(stdout), err: lines(stderr) });
      },
    );
  });
}

/** The command against moto (or `endpoint`), in eu-west-1 unless the args say otherwise. */
const policy = (parameter: string, args: string[], endpoint = moto.url, env = {}) =>
  runPolicy([...args, '--parameter', parameter, '--region', REGION], {
    ...CREDENTIALS,
    AWS_ENDPOINT_URL_SSM: endpoint,
    ...env,
  });

async function stored(name: string) {
  try {
    const { Parameter } = await ssm.send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    return { value: Parameter?.Value ?? '', version: Parameter?.Version, type: Parameter?.Type };
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

const tokenOf = (run: Run) => /^token {3}(\S+)$/.exec(run.out[0] ?? '')?.[1] ?? '';
const digestOf = (run: Run) => /^sha256 {2}([0-9a-f]{64})$/.exec(run.out[1] ?? '')?.[1] ?? '';
const admits = (value: string, token: string) =>
  decide(parsePolicy(value), {
    authorization: [`Bearer ${token}`],
    queryTokens: undefined,
    origins: [],
    sourceIp: undefined,
  }) === undefined;
const ADVICE = [
  'Give the token to its caller (Authorization: Bearer <token>): it is not shown again, and only its digest is stored.',
  'Instances admit it within ACCESS_POLICY_TTL_SECONDS (300 s unless the function sets another).',
];
const SEEN =
  'Instances apply it within ACCESS_POLICY_TTL_SECONDS (300 s unless the function sets another).';

describe('npm run policy against moto_server', () => {
  const name = '/tests/from-nothing';
  const issued: { token: string; digest: string }[] = [];

  it('creates the parameter with a first token: printed once, only its digest stored', async () => {
    expect(await stored(name)).toBeUndefined();
    const run = await policy(name, ['add-token']);
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    const token = tokenOf(run);
    const digest = digestOf(run);
    issued.push({ token, digest });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(run.out).toEqual([
      `token   ${token}`,
      `sha256  ${digest}`,
      `${name} in eu-west-1 is now version 1: 1 token, 0 networks, 0 page origins`,
      ...ADVICE,
    ]);
    const after = await stored(name);
    expect(after).toEqual({
      value: JSON.stringify({ tokens_sha256: [digest] }),
      version: 1,
      type: 'SecureString',
    });
    expect(admits(after?.value ?? '', token)).toBe(true);
  });

  it('adds a second token and a network, each a version of its own', async () => {
    const second = await policy(name, ['add-token']);
    expect(second.code).toBe(0);
    issued.push({ token: tokenOf(second), digest: digestOf(second) });
    expect(second.out[2]).toBe(
      `${name} in eu-west-1 is now version 2: 2 tokens, 0 networks, 0 page origins`,
    );
    const network = await policy(name, ['add-network', '203.0.113.0/24']);
    expect(network).toEqual({
      code: 0,
      out: [`${name} in eu-west-1 is now version 3: 2 tokens, 1 network, 0 page origins`, SEEN],
      err: [],
    });
    expect((await stored(name))?.value).toBe(
      JSON.stringify({
        tokens_sha256: issued.map((t) => t.digest),
        source_cidrs: ['203.0.113.0/24'],
      }),
    );
  });

  it('shows digests and networks, never a token', async () => {
    const run = await policy(name, ['show']);
    expect(run).toEqual({
      code: 0,
      out: [
        `${name} in eu-west-1 is version 3: 2 tokens, 1 network, 0 page origins`,
        `token sha256  ${issued[0]?.digest}`,
        `token sha256  ${issued[1]?.digest}`,
        'network       203.0.113.0/24',
      ],
      err: [],
    });
  });

  it('removes a token by a prefix of its digest', async () => {
    const prefix = issued[0]?.digest.slice(0, 8) ?? '';
    const run = await policy(name, ['remove-token', prefix]);
    expect(run.out).toEqual([
      `${name} in eu-west-1 is now version 4: 1 token, 1 network, 0 page origins`,
      SEEN,
    ]);
    const after = await stored(name);
    expect(after?.value).toBe(
      JSON.stringify({ tokens_sha256: [issued[1]?.digest], source_cidrs: ['203.0.113.0/24'] }),
    );
    expect(admits(after?.value ?? '', issued[0]?.token ?? '')).toBe(false);
    expect(admits(after?.value ?? '', issued[1]?.token ?? '')).toBe(true);
  });

  it('refuses a prefix no listed digest starts, writing nothing', async () => {
    const run = await policy(name, ['remove-token', '00000000']);
    expect(run).toEqual({
      code: 1,
      out: [],
      err: ['error: no listed token digest starts with 00000000; nothing written'],
    });
    expect((await stored(name))?.version).toBe(4);
  });

  it('refuses a page origin a network cannot lift once the last network would go', async () => {
    expect((await policy(name, ['add-origin', 'https://admin.example.org'])).code).toBe(0);
    const run = await policy(name, ['remove-network', '203.0.113.0/24']);
    expect(run).toEqual({
      code: 1,
      out: [],
      err: [
        'error: the policy would not be valid: page_origins is given without source_cidrs, and alone admits nobody; nothing written',
      ],
    });
    expect((await stored(name))?.version).toBe(5);
  });
});

describe('a prefix that starts two digests', () => {
  const name = '/tests/twins';
  const twins = [`abcdef01${'0'.repeat(56)}`, `abcdef01${'1'.repeat(56)}`];

  it('is refused in one line naming both, and a longer one removes one', async () => {
    await put(name, JSON.stringify({ tokens_sha256: twins }));
    const run = await policy(name, ['remove-token', 'ABCDEF01']);
    expect(run).toEqual({
      code: 1,
      out: [],
      err: [
        `error: ABCDEF01 starts 2 listed token digests (${twins.join(', ')}): give more of it; nothing written`,
      ],
    });
    expect((await stored(name))?.version).toBe(1);
    expect((await policy(name, ['remove-token', 'abcdef011'])).code).toBe(0);
    expect((await stored(name))?.value).toBe(JSON.stringify({ tokens_sha256: [twins[0]] }));
  });
});

describe('the parameter and its region', () => {
  const name = '/tests/in-us-east-1';

  it('reads the region it is given: a parameter in another region is not found', async () => {
    // awscli puts it in moto's us-east-1 (EMULATOR_CREDENTIALS' region).
    await moto.putSecureString(name, JSON.stringify({ source_cidrs: ['192.0.2.0/24'] }));
    const env = { ...CREDENTIALS, AWS_ENDPOINT_URL_SSM: moto.url, AWS_REGION: 'us-east-1' };
    const elsewhere = await runPolicy(['show', '--parameter', name, '--region', 'eu-west-1'], env);
    expect(elsewhere).toEqual({
      code: 1,
      out: [],
      err: [
        `error: ${name} does not exist in eu-west-1 (ParameterNotFound): the function reads it in its own account and region`,
      ],
    });
    const there = await runPolicy(['show', '--parameter', name, '--region', 'us-east-1'], env);
    expect(there.out[0]).toBe(
      `${name} in us-east-1 is version 1: 0 tokens, 1 network, 0 page origins`,
    );
    // Without --region, the SDK's own: AWS_REGION.
    const sdkRegion = await runPolicy(['show', '--parameter', name], env);
    expect(sdkRegion.out).toEqual(there.out);
  });

  it('is ACCESS_POLICY_PARAMETER, trimmed, without --parameter', async () => {
    const run = await runPolicy(['show', '--region', 'eu-west-1'], {
      ...CREDENTIALS,
      AWS_ENDPOINT_URL_SSM: moto.url,
      ACCESS_POLICY_PARAMETER: ' /tests/from-the-environment ',
    });
    expect(run.err).toEqual([
      'error: /tests/from-the-environment does not exist in eu-west-1 (ParameterNotFound): the function reads it in its own account and region',
    ]);
  });

  it('must exist for a removal', async () => {
    const run = await policy('/tests/absent', ['remove-network', '192.0.2.0/24']);
    expect(run).toEqual({
      code: 1,
      out: [],
      err: [
        'error: /tests/absent does not exist in eu-west-1 (ParameterNotFound): nothing to remove',
      ],
    });
    expect(await stored('/tests/absent')).toBeUndefined();
  });
});

describe('--token-file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'policy-token-'));
  const name = '/tests/token-file';

  it('writes the token to a new file, mode 0600, and prints only its digest', async () => {
    const file = join(folder, 'blackbox-token');
    const run = await policy(name, ['add-token', '--token-file', file]);
    expect(run.code).toBe(0);
    const token = readFileSync(file, 'utf8');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(run.out[0]).toBe(`token   in ${file} (mode 0600)`);
    expect(run.out[3]).toBe(
      `Give ${file} to its caller (a blackbox exporter's credentials_file): the token is shown nowhere else, and only its digest is stored.`,
    );
    expect(run.out.join('\n')).not.toContain(token);
    expect(admits((await stored(name))?.value ?? '', token)).toBe(true);
    expect(digestOf(run)).toHaveLength(64);
  });

  it('refuses a file that exists, writing nothing', async () => {
    const file = join(folder, 'blackbox-token');
    const before = readFileSync(file, 'utf8');
    const run = await policy(name, ['add-token', '--token-file', file]);
    expect(run.code).toBe(2);
    expect(run.err).toEqual([
      `error: --token-file ${file} exists: a token file is never overwritten (--help for usage)`,
    ]);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect((await stored(name))?.version).toBe(1);
  });

  it('stores nothing when the token file cannot be written', async () => {
    const file = join(folder, 'no-such-folder', 'token');
    const run = await policy('/tests/token-file-unwritable', ['add-token', '--token-file', file]);
    expect(run).toEqual({
      code: 1,
      out: [],
      err: [`error: could not write the token file ${file} (ENOENT): nothing written`],
    });
    expect(await stored('/tests/token-file-unwritable')).toBeUndefined();
  });

  it('leaves no file behind when the digest could not be stored', async () => {
    const file = join(folder, 'unstored-token');
    const run = await policy(name, ['add-token', '--token-file', file], 'http://127.0.0.1:9');
    expect(run.code).toBe(1);
    expect(existsSync(file)).toBe(false);
  });
});

describe('AWS faults, in one line, never a stack, a value or a token', () => {
  it('no credentials', async () => {
    const run = await runPolicy(['show', '--region', 'eu-west-1'], {
      AWS_ENDPOINT_URL_SSM: moto.url,
    });
    expect(run).toEqual({
      code: 1,
      out: [],
      err: [
        expect.stringMatching(
          /^error: no AWS credentials found \(CredentialsProviderError\): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY$/,
        ),
      ],
    });
  });

  it('an endpoint that does not answer', async () => {
    const run = await policy('/tests/any', ['add-token'], 'http://127.0.0.1:9');
    expect(run).toEqual({
      code: 1,
      out: [],
      err: [
        'error: SSM in eu-west-1 could not be reached (Error ECONNREFUSED): check the network, and AWS_ENDPOINT_URL_SSM or AWS_ENDPOINT_URL if set',
      ],
    });
  });

  it('no region', async () => {
    const run = await runPolicy(['show'], { ...CREDENTIALS, AWS_ENDPOINT_URL_SSM: moto.url });
    expect(run).toEqual({
      code: 1,
      out: [],
      err: ["error: no region: give --region, the function's own region"],
    });
  });
});

describe('as a script', () => {
  it('prints its usage for --help, exit 0; a bad option is one line, exit 2', async () => {
    const help = await runPolicy(['--help']);
    expect(help.code).toBe(0);
    expect(help.out[0]).toMatch(/^usage: npm run policy -- <verb>/);
    const refused = await runPolicy(['show', '--nope']);
    expect(refused.code).toBe(2);
    expect(refused.out).toEqual([]);
    expect(refused.err).toEqual([
      expect.stringMatching(/^error: Unknown option '--nope'\. .* \(--help for usage\)$/),
    ]);
  });
});

// docs/access-policy.md shows add-token's output: the same lines, but for the token, its
// digest and the version, which differ from run to run.
describe("docs/access-policy.md's add-token example prints what it shows", () => {
  const examples = consoleExamples('docs/access-policy.md', 'policy-add-token');
  const withoutRunValues = (shown: string[]) =>
    shown.map((line) =>
      line
        .replace(/^token {3}[A-Za-z0-9_-]{43}$/, 'token   <token>')
        .replace(/\b[0-9a-f]{64}\b/g, '<digest>')
        .replace(/is now version \d+:/, 'is now version <n>:'),
    );

  it('has the example', () => {
    expect(examples.map((example) => example.command)).toEqual([
      'npm run policy -- add-token --parameter /synapse-version/access-policy --region eu-west-1',
    ]);
  });

  it.each(examples.map((example) => [example.where, example] as const))(
    '%s',
    async (_, example) => {
      const printed = await runExample(example.command, {
        PATH: process.env.PATH,
        HOME,
        ...CREDENTIALS,
        AWS_ENDPOINT_URL_SSM: moto.url,
        // npm's own banner is not the command's output.
        npm_config_loglevel: 'silent',
      });
      expect(withoutRunValues(printed)).toEqual(withoutRunValues(example.output));
      expect(printed[0]).not.toBe(example.output[0]);
    },
  );
});
