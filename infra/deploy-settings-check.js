// An osls plugin (serverless.yml `plugins`): refuses unusable deploy-time settings, the
// access policy's and the operating ones, before `serverless package` or `deploy` writes
// anything, and before `offline start` (npm start) or `invoke local` (npm run invoke) runs
// the function. Each refusal is one line naming the setting:
// - a `--param` name, or a name under serverless.yml's stage `params`, that serverless.yml
//   never reads: osls would ignore it, and a misspelt accessPolicyParameter would deploy the
//   route open;
// - a TTL setting without the policy it is for, the same mistake seen from the other side;
// - a value the stack parameter's own constraints (infra/shared/settings.yml) refuse, which
//   CloudFormation would otherwise refuse only once the deploy has started;
// - the access-policy rules and messages of handler/access-rules.json, which the function
//   itself applies at start-up;
// - the settings that need each other, the SAM template's Rules (osls takes no Rules).
// Plain JavaScript, so that osls loads it on any Node it runs on; type-checked through the
// JSDoc below (tsconfig.json's checkJs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** @typedef {Record<string, unknown>} Settings */

/**
 * A stack parameter's declaration, as CloudFormation reads it.
 * @typedef {object} StackParameter
 * @property {string} Type
 * @property {unknown} [Default]
 * @property {string} [AllowedPattern]
 * @property {number} [MaxLength]
 * @property {number} [MinLength]
 * @property {number} [MinValue]
 * @property {number} [MaxValue]
 * @property {string} [ConstraintDescription]
 */

/** @type {typeof import('../handler/access-rules.json')} */
const rules = JSON.parse(
  readFileSync(new URL('../handler/access-rules.json', import.meta.url), 'utf8'),
);
const PARAMETER_PATH = new RegExp(`^${rules.parameterPath}$`);
const WHOLE_NUMBER = /^\d+$/;

/**
 * The stack parameters both deployments declare, read from the file CloudFormation gets, so
 * that the check and the deploy cannot hold different constraints. Only `Parameters` is
 * read: the short tags in `Conditions` (!Not, !Equals, …) are left unresolved, silently.
 * @returns {Record<string, StackParameter>}
 */
export function sharedStackParameters() {
  const text = readFileSync(new URL('./shared/settings.yml', import.meta.url), 'utf8');
  return parse(text, { logLevel: 'error' }).Parameters;
}

/** The osls setting a stack parameter takes its default from: a lower-case first letter. */
export const settingOf = (/** @type {string} */ parameter) =>
  `${parameter.charAt(0).toLowerCase()}${parameter.slice(1)}`;

/**
 * The deploy-time settings a serverless.yml reads, `${param:NAME, …}`, in order: the names
 * an operator may give. Read from the file itself, so that a setting added there is known
 * here without a second list to keep. Comments are left out: a name they mention is not read.
 * @param {string} configuration the text of serverless.yml
 * @returns {string[]}
 */
export function knownSettings(configuration) {
  const code = configuration
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .join('\n');
  const names = [...code.matchAll(/\$\{param:\s*([A-Za-z0-9_-]+)/g)].map((m) => m[1] ?? '');
  return [...new Set(names)];
}

/**
 * Edits (insertions, deletions, substitutions) from `a` to `b`, ignoring case.
 * @param {string} a
 * @param {string} b
 */
export function editDistance(a, b) {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= y.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    previous = row;
  }
  return previous[y.length] ?? 0;
}

/**
 * The problem with a setting's name, or undefined when serverless.yml reads it. A near
 * name (a third of its letters or fewer differ, at least two, or the start of a known
 * name) is named as the likely one; otherwise every known name is listed.
 * @param {string} name the name as given
 * @param {string} where how it was given: `--param`, or `params.prod in serverless.yml`
 * @param {string[]} known
 * @returns {string | undefined}
 */
export function settingNameProblem(name, where, known) {
  if (known.includes(name)) return undefined;
  const lower = name.toLowerCase();
  // A name cut short (`domain`, `accessPolicyTTL`) is as near as a misspelt one.
  const [nearest] = known
    .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
    .filter(
      ({ candidate, distance }) =>
        distance <= Math.max(2, Math.floor(name.length / 3)) ||
        (lower.length >= 4 && candidate.toLowerCase().startsWith(lower)),
    )
    .sort((a, b) => a.distance - b.distance);
  const given = where === '--param' ? `--param ${name}` : `param ${name} (${where})`;
  if (nearest) return `unknown ${given}: did you mean ${nearest.candidate}?`;
  return `unknown ${given}: the settings are ${known.join(', ')}`;
}

/**
 * Every setting name given: each `--param name=value` on the command line, then each name
 * under serverless.yml's `params`, in every stage (a misspelling under another stage is
 * as wrong there, and names need no resolving), each with how it was given.
 * @param {unknown} cliParams osls's `processedInput.options.param`
 * @param {unknown} fileParams osls's `configurationInput.params`
 * @returns {{ name: string, where: string }[]}
 */
export function givenSettings(cliParams, fileParams) {
  const cli = [cliParams ?? []]
    .flat()
    .map((item) => ({ name: String(item).split('=')[0] ?? '', where: '--param' }));
  const stages = typeof fileParams === 'object' && fileParams !== null ? fileParams : {};
  const file = Object.entries(stages).flatMap(([stage, params]) =>
    Object.keys(typeof params === 'object' && params !== null ? params : {}).map((name) => ({
      name,
      where: `params.${stage} in serverless.yml`,
    })),
  );
  return [...cli, ...file];
}

/**
 * False for a number of seconds outside [min, max]; unset or empty is the default.
 * @param {unknown} value
 * @param {number} min
 * @param {number} max
 */
function secondsUsable(value, min, max) {
  const text = String(value ?? '').trim();
  if (text === '') return true;
  const seconds = Number(text);
  return WHOLE_NUMBER.test(text) && seconds >= min && seconds <= max;
}

/** Whether an environment value counts as given: osls leaves out what resolves to null. */
const isSet = (/** @type {unknown} */ value) => String(value ?? '').trim() !== '';

/**
 * The problem with the settings the function would get, or undefined when usable.
 * @param {Settings} environment
 * @returns {string | undefined}
 */
export function accessSettingsProblem(environment) {
  // Not trimmed: the IAM grant names the parameter as given, padding and all, so a padded
  // name is refused here as SAM's AllowedPattern refuses it.
  const parameter = String(environment.ACCESS_POLICY_PARAMETER ?? '');
  const { ACCESS_POLICY_TTL_SECONDS: ttl, ACCESS_POLICY_MAX_STALE_SECONDS: maxStale } = environment;
  if (parameter === '') {
    // A TTL is only ever given for a policy: without one, the policy's name was most likely
    // misspelt or forgotten, and the route would deploy open with nothing said.
    for (const [variable, setting, value] of [
      ['ACCESS_POLICY_TTL_SECONDS', 'accessPolicyTtlSeconds', ttl],
      ['ACCESS_POLICY_MAX_STALE_SECONDS', 'accessPolicyMaxStaleSeconds', maxStale],
    ]) {
      if (isSet(value)) {
        return `${variable} (--param ${setting}) is set but ACCESS_POLICY_PARAMETER (--param accessPolicyParameter) is not: a misspelt or missing accessPolicyParameter would deploy the route open`;
      }
    }
    return undefined;
  }
  if (!PARAMETER_PATH.test(parameter) || parameter.length > rules.parameterMaxLength) {
    return `ACCESS_POLICY_PARAMETER (--param accessPolicyParameter) ${rules.parameterProblem}`;
  }
  if (!secondsUsable(ttl, rules.ttlMinSeconds, rules.ttlMaxSeconds)) {
    return `ACCESS_POLICY_TTL_SECONDS (--param accessPolicyTtlSeconds) ${rules.ttlProblem}`;
  }
  if (!secondsUsable(maxStale, rules.maxStaleMinSeconds, rules.maxStaleMaxSeconds)) {
    return `ACCESS_POLICY_MAX_STALE_SECONDS (--param accessPolicyMaxStaleSeconds) ${rules.maxStaleProblem}`;
  }
  return undefined;
}

/**
 * What a stack parameter's constraints say of `value`: undefined when CloudFormation would
 * take it, else why not, in the template's own words where it has them.
 * @param {StackParameter} parameter
 * @param {unknown} value
 * @returns {string | undefined}
 */
export function constraintProblem(parameter, value) {
  const text = String(value);
  if (parameter.Type === 'Number') {
    // Whole numbers only, though CloudFormation's Number takes 2.5 as well: API Gateway's
    // ThrottlingBurstLimit is an integer, so a fraction passes CloudFormation's check and
    // then fails the stage's update halfway through the deploy; and a fraction of a request
    // per second buys nothing this endpoint's callers need. One rule for every Number.
    const min = parameter.MinValue ?? 0;
    const max = parameter.MaxValue ?? Number.MAX_SAFE_INTEGER;
    const usable = WHOLE_NUMBER.test(text) && Number(text) >= min && Number(text) <= max;
    if (usable) return undefined;
    return parameter.MaxValue === undefined
      ? `must be a whole number of at least ${min}`
      : `must be a whole number from ${min} to ${max}`;
  }
  const tooLong = parameter.MaxLength !== undefined && text.length > parameter.MaxLength;
  const tooShort = parameter.MinLength !== undefined && text.length < parameter.MinLength;
  // CloudFormation matches AllowedPattern against the whole value.
  const unmatched =
    parameter.AllowedPattern !== undefined &&
    !new RegExp(`^(?:${parameter.AllowedPattern})$`).test(text);
  if (!tooLong && !tooShort && !unmatched) return undefined;
  if (parameter.ConstraintDescription) return parameter.ConstraintDescription;
  if (unmatched) return `must match ${parameter.AllowedPattern}`;
  return tooLong
    ? `must be at most ${parameter.MaxLength} characters`
    : `must be at least ${parameter.MinLength} characters`;
}

/**
 * The first setting whose value its stack parameter would refuse, or undefined. `custom`
 * holds the resolved settings, each under its parameter's name with a lower-case first
 * letter; one not there is not checked.
 * @param {Settings} custom
 * @param {Record<string, StackParameter>} [parameters]
 * @returns {string | undefined}
 */
export function stackParameterProblem(custom, parameters = sharedStackParameters()) {
  for (const [name, parameter] of Object.entries(parameters)) {
    const setting = settingOf(name);
    if (custom[setting] === undefined || custom[setting] === null) continue;
    const problem = constraintProblem(parameter, custom[setting]);
    if (problem) return `${setting} (--param ${setting}) ${problem}`;
  }
  return undefined;
}

/**
 * The SAM template's Rules, which osls cannot express: settings that need each other.
 * @param {Settings} custom
 * @returns {string | undefined}
 */
export function operatingSettingsProblem(custom) {
  /** @param {string} name */
  const given = (name) => String(custom[name] ?? '').trim() !== '';
  if (given('domainName') && !given('certificateArn')) {
    return 'certificateArn (--param certificateArn) is required with domainName';
  }
  if (given('hostedZoneId') && !given('domainName')) {
    return 'domainName (--param domainName) is required with hostedZoneId';
  }
  return undefined;
}

/**
 * The line a `serverless deploy` without an access policy prints: not an error, since open
 * is Synapse's own default, but said, since a forgotten setting looks the same.
 * @param {string[]} commands osls's `processedInput.commands`
 * @param {Settings} custom
 * @returns {string | undefined}
 */
export function deployNotice(commands, custom) {
  const deploy = commands.length === 1 && commands[0] === 'deploy';
  if (!deploy || isSet(custom.accessPolicyParameter)) return undefined;
  return 'Notice: no accessPolicyParameter, so the route will be open to everyone; to lock it, give --param accessPolicyParameter=/synapse-version/access-policy or keep it under params in serverless.yml (docs/operating.md)';
}

/**
 * @typedef {object} Serverless what of osls's `serverless` object the check reads
 * @property {{ provider: { environment?: Settings }, custom?: Settings }} service
 * @property {{ Error: new (message: string, code: string) => Error }} classes
 * @property {{ options: { param?: unknown }, commands: string[] }} processedInput
 * @property {{ params?: unknown } | undefined} [configurationInput]
 * @property {string} serviceDir
 * @property {string} configurationFilename
 * @property {(name: 'aws') => { getRegion: () => string, getAwsSdkV3Config: () => Promise<object> }} getProvider
 */

/**
 * The first problem with the settings osls was given, or undefined.
 * @param {Serverless} serverless
 * @returns {string | undefined}
 */
export function settingsProblem(serverless) {
  const configuration = readFileSync(
    join(serverless.serviceDir, serverless.configurationFilename),
    'utf8',
  );
  const known = knownSettings(configuration);
  const given = givenSettings(
    serverless.processedInput.options.param,
    serverless.configurationInput?.params,
  );
  for (const { name, where } of given) {
    const problem = settingNameProblem(name, where, known);
    if (problem) return problem;
  }
  const custom = serverless.service.custom ?? {};
  return (
    accessSettingsProblem(serverless.service.provider.environment ?? {}) ??
    stackParameterProblem(custom) ??
    operatingSettingsProblem(custom)
  );
}

/**
 * What is wrong with the access policy's parameter as the deploy's own account and region
 * see it, or undefined when it is there. The function reads the parameter in the account and
 * region it runs in, so one made with another `--region` (or none, and the shell's default)
 * leaves every read answered 503. Asked with DescribeParameters, which returns the name and
 * type, never the value. A deploy that cannot ask (no ssm:DescribeParameters, no network)
 * goes on, saying so: that it cannot tell is not a mistake of the settings.
 * @param {string} name the parameter, as `accessPolicyParameter` gives it
 * @param {string} region the deploy's region
 * @param {(name: string) => Promise<{ Name?: string, Type?: string }[] | undefined>} describe
 *   the parameters DescribeParameters lists for that exact name
 * @returns {Promise<{ problem?: string, notice?: string }>}
 */
export async function parameterPlaceProblem(name, region, describe) {
  let found;
  try {
    found = ((await describe(name)) ?? []).find((parameter) => parameter.Name === name);
  } catch (error) {
    // The class name and code only: SDK messages may quote what they were sent or got.
    const fault = /** @type {{ name?: unknown }} */ (error)?.name;
    return {
      notice: `Notice: could not check that ${name} exists in ${region} (${typeof fault === 'string' ? fault : 'unknown error'}); the function answers 503 until it can read it there`,
    };
  }
  if (!found) {
    return {
      problem: `accessPolicyParameter ${name} does not exist in ${region}, where this deploy goes: the function reads it in its own account and region, so every read would be answered 503; create it there first (npm run policy -- add-token --parameter ${name} --region ${region})`,
    };
  }
  if (found.Type !== 'String' && found.Type !== 'SecureString') {
    return {
      problem: `accessPolicyParameter ${name} in ${region} is a ${found.Type}, which the function refuses (503): store the policy as a SecureString or String`,
    };
  }
  return {};
}

export default class DeploySettingsCheck {
  /** @param {Serverless} serverless */
  constructor(serverless) {
    const check = () => {
      const problem = settingsProblem(serverless);
      if (problem) throw new serverless.classes.Error(problem, 'DEPLOY_SETTING');
      const notice = deployNotice(
        serverless.processedInput.commands,
        serverless.service.custom ?? {},
      );
      if (notice) process.stderr.write(`${notice}\n`);
    };
    this.hooks = {
      // `deploy` packages first, through these same hooks, unless given a --package made
      // earlier, which this check saw when it was packaged.
      'before:package:initialize': check,
      'before:offline:start:init': check,
      'before:invoke:local:loadEnvVars': check,
      // After packaging, before CloudFormation is asked for anything.
      'before:deploy:deploy': async () => {
        const name = serverless.service.custom?.accessPolicyParameter;
        if (!isSet(name)) return;
        const provider = serverless.getProvider('aws');
        const region = provider.getRegion();
        // Loaded here: only a deploy with a policy needs the SDK.
        const { SSMClient, DescribeParametersCommand } = await import('@aws-sdk/client-ssm');
        const ssm = new SSMClient(await provider.getAwsSdkV3Config());
        const describe = async (/** @type {string} */ exact) => {
          const filter = { Key: 'Name', Option: 'Equals', Values: [exact] };
          const command = new DescribeParametersCommand({ ParameterFilters: [filter] });
          return (await ssm.send(command)).Parameters;
        };
        const place = await parameterPlaceProblem(String(name), region, describe);
        if (place.problem) throw new serverless.classes.Error(place.problem, 'DEPLOY_SETTING');
        if (place.notice) process.stderr.write(`${place.notice}\n`);
      },
    };
  }
}
