/** Checked reads of tokenizer.json values; each failure names the path of the value. */
import { TokenizerError } from '../engine/errors';

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown, where: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenizerError(`${where}: expected an object, found ${describe(value)}.`);
  }
  return value as JsonObject;
}

export function requireString(spec: JsonObject, key: string, where: string): string {
  const value = spec[key];
  if (typeof value !== 'string') throw new TokenizerError(`${where}.${key}: expected a string, found ${describe(value)}.`);
  return value;
}

export function optionalString(spec: JsonObject, key: string, where: string): string | null {
  const value = spec[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new TokenizerError(`${where}.${key}: expected a string, found ${describe(value)}.`);
  return value;
}

export function optionalBoolean(spec: JsonObject, key: string, where: string): boolean | null {
  const value = spec[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') throw new TokenizerError(`${where}.${key}: expected true or false, found ${describe(value)}.`);
  return value;
}

export function optionalNumber(spec: JsonObject, key: string, where: string): number | null {
  const value = spec[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TokenizerError(`${where}.${key}: expected a number, found ${describe(value)}.`);
  }
  return value;
}

/** Reads a `pattern` field: `{ "String": "..." }` or `{ "Regex": "..." }`. */
export function patternOf(spec: JsonObject, where: string): { kind: 'String' | 'Regex'; value: string } {
  const pattern = asObject(spec.pattern, `${where}.pattern`);
  if (typeof pattern.String === 'string') return { kind: 'String', value: pattern.String };
  if (typeof pattern.Regex === 'string') return { kind: 'Regex', value: pattern.Regex };
  throw new TokenizerError(`${where}.pattern: expected {"String": ...} or {"Regex": ...}, found ${JSON.stringify(spec.pattern)}.`);
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
