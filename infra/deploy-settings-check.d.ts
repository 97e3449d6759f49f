// Types for the osls plugin beside it, which is plain JavaScript so that osls loads it on
// any Node it runs on.
export function accessSettingsProblem(environment: Record<string, unknown>): string | undefined;

export function operatingSettingsProblem(custom: Record<string, unknown>): string | undefined;

export default class DeploySettingsCheck {
  constructor(serverless: unknown);
  hooks: Record<string, () => void>;
}
