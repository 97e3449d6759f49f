// The stored policy as its three lists, read and written as JSON. Reading goes through the
// function's own parser first, so that the command edits only what the function would
// accept, and a fault is named as the function names it.
import { type PolicyError, parsePolicy } from '../../handler/access/policy.ts';

export const POLICY_KEYS = ['tokens_sha256', 'source_cidrs', 'page_origins'] as const;
export type PolicyKey = (typeof POLICY_KEYS)[number];

/**
 * A policy's entries as written. `keys` keeps the stored object's keys in their order, so
 * that an edit rewrites only the list it changes (an absent or `null` list stays so).
 */
export interface PolicyDocument {
  keys: readonly PolicyKey[];
  lists: Readonly<Record<PolicyKey, readonly string[]>>;
  /** The lists written as `null`, kept so unless edited. */
  nulls: ReadonlySet<PolicyKey>;
}

export const EMPTY_POLICY: PolicyDocument = {
  keys: [],
  lists: { tokens_sha256: [], source_cidrs: [], page_origins: [] },
  nulls: new Set(),
};

/** The stored text as a document; throws the function's PolicyError when it does not parse. */
export function readDocument(text: string): PolicyDocument {
  parsePolicy(text);
  // parsePolicy accepted it: an object of known keys, each a list of strings or null.
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const record = JSON.parse(json) as Partial<Record<PolicyKey, string[] | null>>;
  const keys = POLICY_KEYS.filter((key) => key in record).sort(
    (a, b) => Object.keys(record).indexOf(a) - Object.keys(record).indexOf(b),
  );
  const list = (key: PolicyKey) => record[key] ?? [];
  return {
    keys,
    lists: {
      tokens_sha256: list('tokens_sha256'),
      source_cidrs: list('source_cidrs'),
      page_origins: list('page_origins'),
    },
    nulls: new Set(keys.filter((key) => record[key] === null)),
  };
}

/** The document with `key`'s list replaced, the key added (last) if it was not written. */
export function withList(
  document: PolicyDocument,
  key: PolicyKey,
  list: readonly string[],
): PolicyDocument {
  const nulls = new Set(document.nulls);
  nulls.delete(key);
  return {
    keys: document.keys.includes(key) ? document.keys : [...document.keys, key],
    lists: { ...document.lists, [key]: list },
    nulls,
  };
}

/** The JSON to store: the document's keys in order, each list as it now stands. */
export function writeDocument(document: PolicyDocument): string {
  const record: Record<string, readonly string[] | null> = {};
  for (const key of document.keys) {
    record[key] = document.nulls.has(key) ? null : document.lists[key];
  }
  return JSON.stringify(record);
}

/** A policy without rules: no token and no network, so every caller is refused. */
export function admitsNobody(document: PolicyDocument): boolean {
  return document.lists.tokens_sha256.length === 0 && document.lists.source_cidrs.length === 0;
}

/** The fault of a stored value the function would refuse, or undefined for a usable one. */
export function documentFault(text: string): string | undefined {
  try {
    parsePolicy(text);
    return undefined;
  } catch (error) {
    // parsePolicy throws its PolicyError alone, whose messages name the entry by key and
    // position, never its content.
    return (error as PolicyError).message;
  }
}
