// The function's settings, from the environment the data template sets. Missing or malformed values stop the
// invocation before any call: a silently defaulted password shape could differ from the secret's.
export interface RotationSettings {
  passwordLength: number;
  excludeCharacters: string;
  timeoutMs: number;
  /** SSM parameter holding this region's maintenance flag (`on` fences the region). */
  maintenanceParameter: string;
}

export function readSettings(env: Record<string, string | undefined>): RotationSettings {
  const need = (name: string): string => {
    const v = env[name];
    if (v === undefined || v === '') throw new Error(`${name} is not set`);
    return v;
  };
  const passwordLength = Number(need('PASSWORD_LENGTH'));
  if (!Number.isInteger(passwordLength) || passwordLength < 16 || passwordLength > 128)
    throw new Error('PASSWORD_LENGTH must be an integer from 16 to 128');
  const timeoutMs = Number(need('DB_TIMEOUT_MS'));
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100)
    throw new Error('DB_TIMEOUT_MS must be an integer of at least 100');
  return {
    passwordLength,
    excludeCharacters: need('EXCLUDE_CHARACTERS'),
    timeoutMs,
    maintenanceParameter: need('MAINTENANCE_PARAMETER'),
  };
}
