import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import * as ssm from '@aws-sdk/client-ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
// The classes the stand-in registers, as the bundle holds them (the package's entry is CommonJS).
import * as bundledErrors from '@aws-sdk/client-ssm/dist-es/models/errors.js';
import { SSMServiceException as BundledServiceException } from '@aws-sdk/client-ssm/dist-es/models/SSMServiceException.js';
import * as config from '@smithy/core/config';
import * as serde from '@smithy/core/serde';
import * as esbuild from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as fs from '../../handler/access/built-ins/fs.ts';
import * as os from '../../handler/access/built-ins/os.ts';
import * as processStandIn from '../../handler/access/built-ins/process.ts';
import * as zlib from '../../handler/access/built-ins/zlib.ts';
import {
  CONFIG_PREFIX_SEPARATOR,
  loadSharedConfigFiles,
} from '../../handler/access/no-shared-config-files.ts';
import { errorTypeRegistries } from '../../handler/access/ssm-get-parameter-schemas.ts';
import * as shapes from '../../handler/access/ssm-get-parameter-shapes.ts';
import { faultName, isTransientFault } from '../../handler/access/ssm-parameter.ts';
import * as streamTypes from '../../handler/access/stream-type-check.ts';
import { projectRoot } from '../../harness/project-root.ts';
import { type SsmEndpoint, startSsmEndpoint } from '../../harness/ssm-endpoint.ts';
import { BUILT_IN_STAND_INS, SDK_STAND_INS, sdkStandIns } from '../../scripts/build.ts';

/** The names a module exports, as esbuild reads them from its text. */
async function exportNames(path: string): Promise<string[]> {
  const result = await esbuild.build({
    absWorkingDir: projectRoot,
    entryPoints: [path],
    bundle: false,
    write: false,
    metafile: true,
    format: 'esm',
    outdir: 'out',
    logLevel: 'silent',
  });
  return Object.values(result.metafile.outputs)
    .flatMap((output) => output.exports)
    .sort();
}

/** A schema with its thunks (`() => Parameter$`) called, so that two can be compared. */
function resolved(schema: unknown): unknown {
  if (typeof schema === 'function') return resolved(schema());
  return Array.isArray(schema) ? schema.map(resolved) : schema;
}

// Each stand-in replaces a whole SDK module in the bundle (scripts/build.ts). These hold
// them to the modules they replace, so that an SDK upgrade that changes one fails here.
describe('the stand-ins for AWS SDK modules', () => {
  it('replace files the SDK still has', () => {
    for (const [replaced, standIn] of Object.entries(SDK_STAND_INS)) {
      expect(existsSync(join(projectRoot, replaced)), replaced).toBe(true);
      expect(existsSync(join(projectRoot, standIn)), standIn).toBe(true);
    }
  });

  it('fail the build, naming the file, when a file they replace is gone', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'stand-in-root-'));
    try {
      const building = esbuild.build({
        stdin: { contents: 'export {}' },
        write: false,
        logLevel: 'silent',
        plugins: [sdkStandIns(elsewhere)],
      });
      await expect(building).rejects.toThrow(
        'node_modules/@aws-sdk/client-ssm/dist-es/index.js, which a stand-in replaces, is gone',
      );
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  /** What esbuild loads for each replaced file, building them as entries from `root`. */
  async function loadedFor(root: string): Promise<Record<string, string>> {
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: Object.keys(SDK_STAND_INS).map((replaced) => join(root, replaced)),
      bundle: false,
      write: false,
      outdir: 'out',
      format: 'esm',
      logLevel: 'silent',
      plugins: [sdkStandIns(root)],
    });
    return Object.fromEntries(
      result.outputFiles.map((file) => [relative(join(root, 'out'), file.path), file.text]),
    );
  }

  /** Each stand-in, compiled alone as esbuild compiles it, by the output of the file it replaces. */
  async function standInsCompiled(): Promise<Record<string, string>> {
    const compiled: Record<string, string> = {};
    for (const [replaced, standIn] of Object.entries(SDK_STAND_INS)) {
      const { code } = await esbuild.transform(readFileSync(join(projectRoot, standIn), 'utf8'), {
        loader: 'ts',
        format: 'esm',
      });
      compiled[replaced.replace(/^node_modules\//, '')] = code;
    }
    return compiled;
  }

  it('are what the build loads in place of the files they replace, each its own', async () => {
    const loaded = await loadedFor(projectRoot);
    const compiled = await standInsCompiled();
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(compiled).sort());
    for (const [output, code] of Object.entries(loaded))
      expect(code, output).toBe(compiled[output]);
  });

  it('are loaded as well from a copy of the project whose node_modules is a link', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'stand-in-linked-'));
    try {
      symlinkSync(join(projectRoot, 'node_modules'), join(copy, 'node_modules'), 'dir');
      symlinkSync(join(projectRoot, 'handler'), join(copy, 'handler'), 'dir');
      const loaded = await loadedFor(copy);
      const compiled = await standInsCompiled();
      // esbuild names each output by the real path, from the copy.
      expect(Object.values(loaded).sort()).toEqual(Object.values(compiled).sort());
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('export only names the modules they replace export', async () => {
    const entry = 'node_modules/@aws-sdk/client-ssm/dist-es/index.js';
    for (const [replaced, standIn] of Object.entries(SDK_STAND_INS)) {
      // The SDK's entry re-exports with `export *`: its names are the package's.
      const real = replaced === entry ? Object.keys(ssm) : await exportNames(replaced);
      const ours = await exportNames(standIn);
      expect(ours.length, standIn).toBeGreaterThan(0);
      expect(real, standIn).toEqual(expect.arrayContaining(ours));
    }
  });

  it("hold every GetParameter shape equal to the SDK's own", () => {
    const schemas = Object.entries(shapes).filter(([name]) => name.endsWith('$'));
    expect(schemas.map(([name]) => name)).toEqual(
      expect.arrayContaining(['GetParameter$', 'ParameterNotFound$', 'ThrottlingException$']),
    );
    for (const [name, schema] of schemas) {
      const theirs = (ssm as unknown as Record<string, unknown>)[name];
      expect(theirs, name).toBeDefined();
      expect(isDeepStrictEqual(resolved(schema), resolved(theirs)), name).toBe(true);
    }
  });

  it('read no shared config file, though one is there', async () => {
    const home = mkdtempSync(join(tmpdir(), 'stand-in-home-'));
    try {
      mkdirSync(join(home, '.aws'));
      writeFileSync(join(home, '.aws/config'), '[default]\nregion = ap-south-1\n');
      writeFileSync(join(home, '.aws/credentials'), '[default]\naws_access_key_id = AKIDHOME\n');
      vi.stubEnv('HOME', home);
      // The SDK's own reads them: the test would show nothing if it did not.
      const real = await config.loadSharedConfigFiles({ ignoreCache: true });
      expect(real.configFile.default?.region).toBe('ap-south-1');
      expect(await loadSharedConfigFiles()).toEqual({ configFile: {}, credentialsFile: {} });
    } finally {
      vi.unstubAllEnvs();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("give the SDK's own separator of profile and section names", () => {
    expect(CONFIG_PREFIX_SEPARATOR).toBe(config.CONFIG_PREFIX_SEPARATOR);
  });
});

// The SDK reads an error's class from the registries the schemas module gives the client:
// the stand-in's are handed to a client as its settings, and its answers compared with those
// of a client with the SDK's own. (In this process the SDK's own classes are registered too,
// as the bundle's are not: the stand-in's, read first, are told apart by identity.)
describe("the stand-in for SSM's schemas, through the real SDK over HTTP", () => {
  let endpoint: SsmEndpoint;
  beforeAll(async () => {
    endpoint = await startSsmEndpoint({ kind: 'value', value: '{}' });
  });
  afterAll(() => endpoint.close());

  const client = (registries?: unknown[]) =>
    new SSMClient({
      region: 'us-east-1',
      endpoint: endpoint.url,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'example-secret' },
      maxAttempts: 1,
      ...(registries && {
        protocolSettings: {
          defaultNamespace: 'com.amazonaws.ssm',
          errorTypeRegistries: registries,
          version: '2014-11-06',
          serviceTarget: 'AmazonSSM',
        },
      }),
    });
  const failure = (registries?: unknown[]) =>
    client(registries)
      .send(new ssm.GetParameterCommand({ Name: '/p', WithDecryption: true }))
      .then(
        () => expect.unreachable('SSM answered an error'),
        (error: unknown) => error as ssm.SSMServiceException,
      );
  const told = (error: ssm.SSMServiceException) => ({
    name: error.name,
    fault: error.$fault,
    status: error.$metadata.httpStatusCode,
    logged: faultName(error),
    transient: isTransientFault(error),
  });

  it.each([
    ['AccessDeniedException', 400],
    ['InternalServerError', 500],
    ['InvalidKeyId', 400],
    ['ParameterNotFound', 400],
    ['ParameterVersionNotFound', 400],
    ['ThrottlingException', 400],
  ])("answers %s with the SDK's own class", async (type, status) => {
    endpoint.behave({ kind: 'error', status, type });
    const ours = await failure(errorTypeRegistries);
    const theirs = await failure();
    expect(theirs.constructor.name).toBe(type);
    // By identity: the SDK's classes answer instanceof for any error of their name.
    expect(ours.constructor).toBe((bundledErrors as Record<string, unknown>)[type]);
    expect(told(ours)).toEqual(told(theirs));
  });

  it('answers a name it does not register with an SSMServiceException read alike', async () => {
    const type = 'ParameterWeatherException';
    endpoint.behave({ kind: 'error', status: 400, type });
    const ours = await failure(errorTypeRegistries);
    // The base exception the stand-in registers, named for the error.
    expect(ours.constructor).toBe(BundledServiceException);
    expect(told(ours)).toEqual(told(await failure()));
    expect(told(ours)).toMatchObject({
      name: type,
      fault: 'client',
      status: 400,
      transient: false,
    });
  });
});

describe("the stand-in for the SDK's stream type checks", () => {
  // The global's constructor type is overloaded, which a class cannot extend as written.
  class Subclassed extends (ReadableStream as new () => ReadableStream) {}
  const values: [string, unknown][] = [
    ['a Node stream', Readable.from(['{}'])],
    ['a web ReadableStream', new ReadableStream()],
    ['a subclass of ReadableStream', new Subclassed()],
    ['a Blob', new Blob(['{}'])],
    ['a File', new File(['{}'], 'policy.json')],
    ['bytes', new Uint8Array([123, 125])],
    ['a string', '{}'],
    ['an object with a reader of its own', { getReader: () => undefined }],
    // Known by their class names alone, as the SDK knows a stream or Blob of another realm.
    ['a ReadableStream of another realm', new (class ReadableStream {})()],
    ['a Blob of another realm', new (class Blob {})()],
    ['an object without a prototype', Object.create(null)],
    ['an object whose constructor is undefined', { constructor: undefined }],
    ['null', null],
    ['undefined', undefined],
  ];

  it.each(values)('answers as the SDK does for %s', (_, value) => {
    expect(streamTypes.isReadableStream(value)).toBe(serde.isReadableStream(value));
    expect(streamTypes.isBlob(value)).toBe(serde.isBlob(value));
  });

  it('reads the global ReadableStream only for a value with a reader', () => {
    const real = Object.getOwnPropertyDescriptor(globalThis, 'ReadableStream');
    let reads = 0;
    Object.defineProperty(globalThis, 'ReadableStream', {
      configurable: true,
      get: () => {
        reads++;
        return real?.value ?? real?.get?.call(globalThis);
      },
    });
    try {
      // The body of every SSM answer here: a Node stream.
      expect(streamTypes.isReadableStream(Readable.from(['{}']))).toBe(false);
      expect(streamTypes.isReadableStream(new Uint8Array([123, 125]))).toBe(false);
      expect(reads).toBe(0);
      expect(streamTypes.isReadableStream({ getReader: () => undefined })).toBe(false);
      expect(reads).toBe(1);
    } finally {
      if (real) Object.defineProperty(globalThis, 'ReadableStream', real);
    }
  });
});

describe('the stand-ins for the built-ins the SDK imports', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('cover exactly the built-ins the build redirects', () => {
    expect(Object.keys(BUILT_IN_STAND_INS).sort()).toEqual([
      'node:fs',
      'node:os',
      'node:process',
      'node:zlib',
    ]);
  });

  /** The files a bundle of `importer` takes in, and the built-ins it leaves to Node. */
  async function bundled(importer: string): Promise<{ inputs: string[]; external: string[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'stand-in-importer-'));
    try {
      const entry = join(dir, importer);
      mkdirSync(join(entry, '..'), { recursive: true });
      writeFileSync(
        entry,
        [
          "import * as fs from 'node:fs';",
          "import * as os from 'node:os';",
          "import * as process from 'node:process';",
          "import * as zlib from 'node:zlib';",
          "import * as path from 'node:path';",
          'export { fs, os, process, zlib, path };',
        ].join('\n'),
      );
      const result = await esbuild.build({
        absWorkingDir: projectRoot,
        entryPoints: [entry],
        bundle: true,
        write: false,
        metafile: true,
        format: 'esm',
        platform: 'node',
        outdir: 'out',
        logLevel: 'silent',
        plugins: [sdkStandIns(projectRoot)],
      });
      const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports);
      return {
        inputs: Object.keys(result.metafile.inputs).filter((path) => !path.startsWith('..')),
        external: imports
          .filter((i) => i.external)
          .map((i) => i.path)
          .sort(),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("take the place of the SDK's imports of them, each its own, and no other built-in", async () => {
    expect(await bundled('node_modules/sdk-like/index.js')).toEqual({
      inputs: [
        'handler/access/built-ins/fs.ts',
        'handler/access/built-ins/os.ts',
        'handler/access/built-ins/process.ts',
        'handler/access/built-ins/zlib.ts',
      ],
      external: ['node:path'],
    });
  });

  it("leave the product's own imports of them to Node", async () => {
    expect(await bundled('own/index.js')).toEqual({
      inputs: [],
      external: ['node:fs', 'node:os', 'node:path', 'node:process', 'node:zlib'],
    });
  });

  it("hand over Node's own functions, classes and objects", async () => {
    const modules = { 'node:fs': fs, 'node:os': os, 'node:process': processStandIn };
    for (const [name, standIn] of Object.entries(modules)) {
      const real = (await import(name)) as Record<string, unknown>;
      for (const [key, value] of Object.entries(standIn))
        expect(value, `${name} ${key}`).toBe(real[key]);
    }
  });

  it("compute Node's own CRC32, loading zlib only when asked", async () => {
    const real = await import('node:zlib');
    const data = Buffer.from('GetParameter');
    expect(zlib.crc32(data, 0)).toBe(real.crc32(data, 0));
    expect(zlib.crc32(data, 7)).toBe(real.crc32(data, 7));
  });
});
