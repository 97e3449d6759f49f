// Stands in for @smithy/core's serde/util-stream/stream-type-check.js in the bundle (an
// esbuild plugin in scripts/build.ts). The SDK asks of every response body whether it is a
// web ReadableStream or a Blob before reading it; the original reads the global
// ReadableStream to answer, and that first read makes Node load its web streams (four more
// internal modules, near a millisecond of the init) for a body that is always a Node stream
// (an http.IncomingMessage) here. These answer the same without touching ReadableStream
// unless the value has a reader: an instance of ReadableStream, or of a subclass, has
// getReader from its prototype, and a body of another kind does not.
//
// If the SDK changed underneath it: another export imported from this module fails the
// build (esbuild: no matching export); the module's export names are held to the SDK's and
// each answer to the original's by test/unit/sdk-stand-ins.test.ts; a moved file fails the
// build.
type Check = (value: unknown) => boolean;

const constructorName = (value: unknown): unknown =>
  (value as { constructor?: { name?: unknown } } | null | undefined)?.constructor?.name;

export const isReadableStream: Check = (value) =>
  constructorName(value) === 'ReadableStream' ||
  (typeof (value as { getReader?: unknown } | null | undefined)?.getReader === 'function' &&
    value instanceof ReadableStream);

export const isBlob: Check = (value) => constructorName(value) === 'Blob' || value instanceof Blob;
