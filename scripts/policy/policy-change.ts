// One edit of the stored policy, made safely: read, change only what was asked, check the
// result with the function's own parser, read again just before writing, write, and check
// that the version written follows the version read. SSM has no compare-and-set for
// parameters, so a competing edit can still land between the second read and the write;
// the version SSM gives the write is what tells.
import type { SSMClient } from '@aws-sdk/client-ssm';
import { readStored, type StoredParameter, writeStored } from './parameter-store.ts';
import {
  admitsNobody,
  documentFault,
  EMPTY_POLICY,
  type PolicyDocument,
  readDocument,
  writeDocument,
} from './policy-document.ts';
import { type Place, PolicyFault } from './report.ts';

// A StringList is a list whose commas mean something else: the function refuses it.
const POLICY_TYPES = new Set(['String', 'SecureString']);

/** Why the function could not use the stored parameter, or undefined when it can. */
export function storedFault(stored: StoredParameter): string | undefined {
  if (!POLICY_TYPES.has(stored.type)) {
    return `the parameter is a ${stored.type}, which the function refuses: it must be a SecureString or String`;
  }
  return documentFault(stored.value);
}

export interface ChangeRequest {
  client: SSMClient;
  place: Place;
  edit: (document: PolicyDocument) => PolicyDocument;
  /** The parameter must exist (a removal): absent, ParameterNotFound is the fault. */
  mustExist: boolean;
  lockEveryoneOut: boolean;
  /** Start from an empty policy when the stored one does not parse, discarding it. */
  discardInvalid: boolean;
  /** Run just before the write; `undo` when the write did not happen. */
  beforeWrite?: { run: () => void; undo: () => void };
  /** Where notes on the way go (a discarded value). */
  note: (line: string) => void;
}

export interface ChangeOutcome {
  version: number;
  document: PolicyDocument;
  /** Set when another edit was written between this one's read and its write. */
  interleaved: string | undefined;
}

/** The document to edit: the stored one, empty for none, or refused when it does not parse. */
function startingPoint(request: ChangeRequest, stored: StoredParameter | undefined) {
  const { place, mustExist, discardInvalid, note } = request;
  if (stored === undefined) {
    if (mustExist) {
      throw new PolicyFault(
        `${place.parameter} does not exist in ${place.region} (ParameterNotFound): nothing to remove`,
      );
    }
    return EMPTY_POLICY;
  }
  const fault = storedFault(stored);
  if (fault === undefined) return readDocument(stored.value);
  if (!discardInvalid) {
    throw new PolicyFault(
      `${place.parameter} in ${place.region} (version ${stored.version}) is no policy the function accepts: ${fault}; nothing written (fix it, or give --discard-invalid to start from an empty policy)`,
    );
  }
  note(
    `note: version ${stored.version} is no policy the function accepts (${fault}); --discard-invalid: starting from an empty policy`,
  );
  return EMPTY_POLICY;
}

const versionOf = (stored: StoredParameter | undefined) => stored?.version ?? 0;

/** Makes the edit, or throws a PolicyFault saying why nothing was written. */
export async function changePolicy(request: ChangeRequest): Promise<ChangeOutcome> {
  const { client, place, edit, lockEveryoneOut, beforeWrite } = request;
  const read = await readStored(client, place.parameter);
  const document = edit(startingPoint(request, read));
  const value = writeDocument(document);
  // The function's own parser, on exactly the text that would be stored.
  const fault = documentFault(value);
  if (fault !== undefined) {
    throw new PolicyFault(`the policy would not be valid: ${fault}; nothing written`);
  }
  if (admitsNobody(document) && !lockEveryoneOut) {
    throw new PolicyFault(
      'the policy would admit nobody (no token, no network): every caller would be refused; nothing written (give --lock-everyone-out to lock everyone out on purpose)',
    );
  }
  const again = await readStored(client, place.parameter);
  if (versionOf(again) !== versionOf(read)) {
    const state = (stored: StoredParameter | undefined) =>
      stored === undefined ? 'absent' : `version ${stored.version}`;
    throw new PolicyFault(
      `${place.parameter} changed while this command ran (read as ${state(read)}, now ${state(again)}): nothing written; run it again`,
    );
  }
  beforeWrite?.run();
  let version: number;
  try {
    version = await writeStored(client, place.parameter, value, read === undefined);
  } catch (error) {
    beforeWrite?.undo();
    if (error instanceof Error && error.name === 'ParameterAlreadyExists') {
      throw new PolicyFault(
        `${place.parameter} was created by another edit while this command ran: nothing written; run it again`,
      );
    }
    throw error;
  }
  const expected = versionOf(read) + 1;
  const interleaved =
    version === expected
      ? undefined
      : `another edit was written between this command's read (version ${versionOf(read)}) and its write (version ${version}, not ${expected}), and this write replaced it: check that the tokens and networks above are all meant, and what the other edit wrote (aws ssm get-parameter-history --name ${place.parameter} --region ${place.region})`;
  return { version, document, interleaved };
}
