// `npm run policy -- <verb>`: shows or edits the access policy in its SSM parameter. Each
// edit changes one entry, is checked with the function's own parser before it is written,
// refuses a policy that admits nobody unless asked to lock everyone out, and reports an
// edit of someone else's that landed between its read and its write.
import { readCommandLine, refuse, runScript, type ScriptOutput } from './command-line.ts';
import {
  newToken,
  removeTokenFile,
  tokenFileExists,
  writeTokenFile,
} from './policy/access-token.ts';
import { DEFAULT_PARAMETER, parameterName } from './policy/parameter-name.ts';
import { parameterClient, readStored, regionOf } from './policy/parameter-store.ts';
import { type ChangeRequest, changePolicy, storedFault } from './policy/policy-change.ts';
import { admitsNobody, type PolicyDocument, readDocument } from './policy/policy-document.ts';
import { addToken } from './policy/policy-edits.ts';
import {
  ADMITS_NOBODY,
  faultLine,
  LOCKED_OUT,
  type Place,
  PolicyFault,
  SEEN_WITHIN,
  shownLines,
  writtenLine,
} from './policy/report.ts';
import { readVerb, type VerbRequest } from './policy/verbs.ts';

const USAGE = `usage: npm run policy -- <verb> [argument] [--parameter <name>] [--region <region>]

  show                          the stored policy: token digests, networks, page origins
  add-token [--token-file <f>]  a new token: prints it once (or writes it to the new file <f>,
                                mode 0600), stores only its sha256
  remove-token <digest>         the token whose sha256 is, or starts with, <digest> (8+ hex)
  add-network <cidr>            admit a source network (203.0.113.0/24, 2001:db8::/32)
  remove-network <cidr>
  add-origin <origin>           let a listed network admit this web page (https://host)
  remove-origin <origin>

  --parameter <name>    the SSM parameter (default: ACCESS_POLICY_PARAMETER, else
                        ${DEFAULT_PARAMETER}), in the function's own account and region
  --region <region>     its region (default: the AWS SDK's, AWS_REGION)
  --lock-everyone-out   write a policy that admits nobody (the emergency lock-out)
  --discard-invalid     edit a stored value the function refuses by starting from an empty policy

Credentials and endpoint (AWS_ENDPOINT_URL_SSM) are the AWS SDK's own.`;

const OPTIONS = {
  parameter: { type: 'string' },
  region: { type: 'string' },
  'token-file': { type: 'string' },
  'lock-everyone-out': { type: 'boolean' },
  'discard-invalid': { type: 'boolean' },
} as const;

// aws-partition region names: eu-west-1, us-gov-west-1, cn-north-1, ap-southeast-5.
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

type Values = ReturnType<typeof readCommandLine<typeof OPTIONS>>['values'];

/** Refuses options that the verb would ignore: a misplaced option is a misunderstanding. */
function refuseMisplaced(request: VerbRequest, values: Values): void {
  const tokenFile = values['token-file'];
  if (tokenFile !== undefined) {
    if (request.verb !== 'add-token') refuse('--token-file goes with add-token only');
    if (tokenFileExists(tokenFile)) {
      refuse(`--token-file ${tokenFile} exists: a token file is never overwritten`);
    }
  }
  if (request.verb === 'show') {
    if (values['lock-everyone-out']) refuse('--lock-everyone-out goes with an edit, not show');
    if (values['discard-invalid']) refuse('--discard-invalid goes with an edit, not show');
  }
  if (values.region !== undefined && !REGION.test(values.region)) {
    refuse(`--region must be an AWS region such as eu-west-1: ${JSON.stringify(values.region)}`);
  }
}

async function show(
  client: ReturnType<typeof parameterClient>,
  place: Place,
  output: ScriptOutput,
) {
  const stored = await readStored(client, place.parameter);
  if (stored === undefined) {
    throw new PolicyFault(
      `${place.parameter} does not exist in ${place.region} (ParameterNotFound): the function reads it in its own account and region`,
    );
  }
  const fault = storedFault(stored);
  if (fault !== undefined) {
    throw new PolicyFault(
      `${place.parameter} in ${place.region} is version ${stored.version}, which the function refuses (503 to every read): ${fault}`,
    );
  }
  const document = readDocument(stored.value);
  for (const line of shownLines(place, stored.version, document)) output.out(line);
  if (admitsNobody(document)) output.out(ADMITS_NOBODY);
  return 0;
}

export async function main(
  args: string[],
  output: ScriptOutput,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = readCommandLine(OPTIONS, USAGE, args);
  const request = readVerb(positionals);
  const parameter = parameterName(values.parameter, env);
  refuseMisplaced(request, values);

  const client = parameterClient(values.region);
  let place: Place;
  try {
    place = { parameter, region: await regionOf(client) };
  } catch (error) {
    output.err(`error: ${(error as Error).message}`);
    return 1;
  }
  try {
    const token = request.verb === 'add-token' ? newToken() : undefined;
    const edit = token
      ? (document: PolicyDocument) => addToken(document, token.digest)
      : request.edit;
    // show is the one verb that edits nothing.
    if (edit === undefined) return await show(client, place, output);
    const tokenFile = values['token-file'];
    const change: ChangeRequest = {
      client,
      place,
      edit,
      mustExist: request.verb.startsWith('remove-'),
      lockEveryoneOut: values['lock-everyone-out'] === true,
      discardInvalid: values['discard-invalid'] === true,
      note: output.err,
    };
    if (token && tokenFile !== undefined) {
      change.beforeWrite = {
        run: () => {
          try {
            writeTokenFile(tokenFile, token.token);
          } catch (error) {
            // Node's file system errors carry their code (ENOENT, EACCES, EEXIST).
            const { code } = error as NodeJS.ErrnoException;
            throw new PolicyFault(
              `could not write the token file ${tokenFile} (${code}): nothing written`,
            );
          }
        },
        undo: () => removeTokenFile(tokenFile),
      };
    }
    const outcome = await changePolicy(change);
    if (token) {
      output.out(
        tokenFile === undefined ? `token   ${token.token}` : `token   in ${tokenFile} (mode 0600)`,
      );
      output.out(`sha256  ${token.digest}`);
    }
    output.out(writtenLine(place, outcome.version, outcome.document));
    if (token) {
      output.out(
        tokenFile === undefined
          ? 'Give the token to its caller (Authorization: Bearer <token>): it is not shown again, and only its digest is stored.'
          : `Give ${tokenFile} to its caller (a blackbox exporter's credentials_file): the token is shown nowhere else, and only its digest is stored.`,
      );
      output.out(`Instances admit it within ${SEEN_WITHIN}.`);
    } else if (admitsNobody(outcome.document)) {
      output.out(LOCKED_OUT);
    } else {
      output.out(`Instances apply it within ${SEEN_WITHIN}.`);
    }
    if (outcome.interleaved !== undefined) {
      output.err(`warning: ${outcome.interleaved}`);
      return 1;
    }
    return 0;
  } catch (error) {
    output.err(`error: ${faultLine(error, place)}`);
    return 1;
  }
}

await runScript(import.meta.url, main);
