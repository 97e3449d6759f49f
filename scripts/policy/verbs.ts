// The verbs of `npm run policy` and their one argument, checked before anything reaches AWS:
// a malformed network, origin or digest prefix is a bad command line (exit 2).
import { type PolicyError, parsePolicy } from '../../handler/access/policy.ts';
import { refuse } from '../command-line.ts';
import type { PolicyDocument } from './policy-document.ts';
import {
  addNetwork,
  addOrigin,
  MIN_DIGEST_PREFIX,
  removeNetwork,
  removeOrigin,
  removeToken,
} from './policy-edits.ts';

/** The function's own verdict on a lone entry, its message naming the entry by `what`. */
function refuseInvalid(policy: object, where: string, what: string): void {
  try {
    parsePolicy(JSON.stringify(policy));
  } catch (error) {
    // parsePolicy throws its PolicyError alone.
    refuse((error as PolicyError).message.replace(where, what));
  }
}

const network = (cidr: string) =>
  refuseInvalid({ source_cidrs: [cidr] }, 'source_cidrs[0]', `network ${JSON.stringify(cidr)}`);
// An origin is judged beside a network: alone, the parser refuses every origin.
const origin = (text: string) =>
  refuseInvalid(
    { source_cidrs: ['192.0.2.0/24'], page_origins: [text] },
    'page_origins[0]',
    `page origin ${JSON.stringify(text)}`,
  );
const digestPrefix = (prefix: string) => {
  // Never echoed: a token pasted here by mistake must not reach the terminal's scrollback.
  if (!new RegExp(`^[0-9a-fA-F]{${MIN_DIGEST_PREFIX},64}$`).test(prefix)) {
    refuse(
      `remove-token takes the token's sha256 digest, or at least its first ${MIN_DIGEST_PREFIX} hex digits (never the token itself)`,
    );
  }
};

type Edit = (document: PolicyDocument, argument: string) => PolicyDocument;

interface VerbRule {
  /** The argument's name in the usage, and its check; none for a verb without one. */
  argument?: { name: string; check: (argument: string) => void; edit: Edit };
}

export const VERBS = {
  show: {},
  'add-token': {},
  'remove-token': {
    argument: { name: '<digest or prefix>', check: digestPrefix, edit: removeToken },
  },
  'add-network': { argument: { name: '<cidr>', check: network, edit: addNetwork } },
  'remove-network': { argument: { name: '<cidr>', check: network, edit: removeNetwork } },
  'add-origin': { argument: { name: '<origin>', check: origin, edit: addOrigin } },
  'remove-origin': { argument: { name: '<origin>', check: origin, edit: removeOrigin } },
} satisfies Record<string, VerbRule>;

export type VerbName = keyof typeof VERBS;

/** A verb and its argument as given on the command line, checked. */
export interface VerbRequest {
  verb: VerbName;
  /** The edit an argument verb makes; undefined for show and add-token. */
  edit: ((document: PolicyDocument) => PolicyDocument) | undefined;
}

const isVerb = (name: string): name is VerbName => Object.hasOwn(VERBS, name);

/** The verb the positional arguments name, with its argument checked. */
export function readVerb(positionals: readonly string[]): VerbRequest {
  const [name, argument, ...extra] = positionals;
  if (name === undefined) refuse(`give a verb: ${Object.keys(VERBS).join(', ')}`);
  if (!isVerb(name)) {
    refuse(`unknown verb ${JSON.stringify(name)} (verbs: ${Object.keys(VERBS).join(', ')})`);
  }
  const rule: VerbRule = VERBS[name];
  if (!rule.argument) {
    if (argument !== undefined) refuse(`${name} takes no argument`);
    return { verb: name, edit: undefined };
  }
  const { name: what, check, edit } = rule.argument;
  if (argument === undefined) refuse(`${name} takes one argument: ${what}`);
  if (extra.length > 0) refuse(`${name} takes one argument: ${what}`);
  check(argument);
  return { verb: name, edit: (document) => edit(document, argument) };
}
