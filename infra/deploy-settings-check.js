// An osls plugin (serverless.yml `plugins`): refuses unusable deploy-time settings, the
// access policy's and the operating ones, before `serverless package` or `deploy` writes
// anything, and before `offline start` (npm start) or `invoke local` (npm run invoke) runs
// the function. The access-policy rules and messages are handler/access-rules.json, which
// the function itself applies at start-up; the operating settings that need each other are
// the SAM template's Rules.
// Plain JavaScript, so that osls loads it on any Node it runs on; type-checked through the
// JSDoc below (tsconfig.json's checkJs).
import { readFileSync } from 'node:fs';

/** @typedef {Record<string, unknown>} Settings */

/** @type {typeof import('../handler/access-rules.json')} */
const rules = JSON.parse(
  readFileSync(new URL('../handler/access-rules.json', import.meta.url), 'utf8'),
);
const PARAMETER_PATH = new RegExp(`^${rules.parameterPath}$`);
const WHOLE_NUMBER = /^\d+$/;

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

/**
 * The problem with the settings the function would get, or undefined when usable.
 * @param {Settings} environment
 * @returns {string | undefined}
 */
export function accessSettingsProblem(environment) {
  // Not trimmed: the IAM grant names the parameter as given, padding and all, so a padded
  // name is refused here as SAM's AllowedPattern refuses it.
  const parameter = String(environment.ACCESS_POLICY_PARAMETER ?? '');
  if (parameter === '') return undefined;
  if (!PARAMETER_PATH.test(parameter) || parameter.length > rules.parameterMaxLength) {
    return `ACCESS_POLICY_PARAMETER (--param accessPolicyParameter) ${rules.parameterProblem}`;
  }
  const { ACCESS_POLICY_TTL_SECONDS: ttl, ACCESS_POLICY_MAX_STALE_SECONDS: maxStale } = environment;
  if (!secondsUsable(ttl, rules.ttlMinSeconds, rules.ttlMaxSeconds)) {
    return `ACCESS_POLICY_TTL_SECONDS (--param accessPolicyTtlSeconds) ${rules.ttlProblem}`;
  }
  if (!secondsUsable(maxStale, rules.maxStaleMinSeconds, rules.maxStaleMaxSeconds)) {
    return `ACCESS_POLICY_MAX_STALE_SECONDS (--param accessPolicyMaxStaleSeconds) ${rules.maxStaleProblem}`;
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
 * @typedef {object} Serverless what of osls's `serverless` object the check reads
 * @property {{ provider: { environment?: Settings }, custom?: Settings }} service
 * @property {{ Error: new (message: string, code: string) => Error }} classes
 */

export default class DeploySettingsCheck {
  /** @param {Serverless} serverless */
  constructor(serverless) {
    const check = () => {
      const problem =
        accessSettingsProblem(serverless.service.provider.environment ?? {}) ??
        operatingSettingsProblem(serverless.service.custom ?? {});
      if (problem) throw new serverless.classes.Error(problem, 'DEPLOY_SETTING');
    };
    this.hooks = {
      'before:package:initialize': check,
      'before:offline:start:init': check,
      'before:invoke:local:loadEnvVars': check,
    };
  }
}
