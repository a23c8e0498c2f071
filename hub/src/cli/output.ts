// `-o` formats: tables for people, JSON and YAML (the API's own JSON) for scripts.
import { toYaml } from '../install/yaml.ts';
import { usageError } from './exit-codes.ts';

export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** `cluster get` also prints a detail view (its default). */
export const GET_OUTPUT_FORMATS = ['text', ...OUTPUT_FORMATS] as const;
export type GetOutputFormat = (typeof GET_OUTPUT_FORMATS)[number];

export function parseOutput<T extends string>(value: string, allowed: readonly T[], usage: string): T {
  const found = allowed.find((format) => format === value);
  if (found === undefined) throw usageError(`-o ${value}: give one of ${allowed.join(', ')}`, usage);
  return found;
}

/** JSON (2-space indent) or YAML of a value, ending in a newline. */
export function formatData(format: 'json' | 'yaml', value: unknown): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : toYaml(value);
}
