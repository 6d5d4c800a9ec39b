// Small facts about template values that the engine, the scenario walk and the rules all ask: is this a JSON object,
// which intrinsic function is this, is this a custom resource type. Kept apart from the engine so the modules the
// engine uses can ask them without importing the engine.
import type { Section } from './types.js';

export const AUTOMATIC_PARAMETERS = ['EnvironmentSuffix', 'RegionRole', 'PrimaryRegion', 'SecondaryRegion'] as const;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{ "Ref": x }` or `{ "Fn::...": x }` (and `{ "Condition": x }` inside Conditions): the function name, else undefined. */
export function intrinsicName(v: unknown, section?: Section): string | undefined {
  if (!isPlainObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0] as string;
  if (k === 'Ref' || k.startsWith('Fn::')) return k;
  if (k === 'Condition' && section === 'Conditions') return k;
  return undefined;
}

export function isCustomType(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}
