// The checks every object passes before anything is planned: the identity fields, and Secret data
// that is valid base64. Messages name the field, never a Secret's value.
import type { Manifest, RenderError, SourceLocation } from './types.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function secretErrors(manifest: Json, where: SourceLocation, name: string): RenderError[] {
  const data = manifest.data;
  if (data === undefined || data === null) return [];
  if (!isObject(data)) {
    return [
      { code: 'invalid-secret', ...where, message: `Secret ${name}: data must be a map of base64 strings` },
    ];
  }
  const errors: RenderError[] = [];
  for (const [key, value] of Object.entries(data)) {
    // Go's decoder skips line breaks inside the value; so does this check.
    const text = typeof value === 'string' ? value.replace(/[\r\n]/g, '') : undefined;
    if (text === undefined || text.length % 4 !== 0 || !BASE64.test(text)) {
      errors.push({
        code: 'invalid-secret',
        ...where,
        message: `Secret ${name}: data.${key} is not valid base64 (use stringData for plain text)`,
      });
    }
  }
  return errors;
}

/** The object as a Manifest, or the errors that keep it from being one. */
export function validateObject(
  value: unknown,
  where: SourceLocation,
): { manifest: Manifest; errors: [] } | { manifest: undefined; errors: RenderError[] } {
  if (!isObject(value)) {
    const got = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    return {
      manifest: undefined,
      errors: [{ code: 'not-an-object', ...where, message: `expected a Kubernetes object, found ${got}` }],
    };
  }
  const errors: RenderError[] = [];
  const missing = (field: string): void => {
    errors.push({ code: 'missing-field', ...where, message: `missing ${field}` });
  };
  const invalid = (field: string, why: string): void => {
    errors.push({ code: 'invalid-field', ...where, message: `${field} ${why}` });
  };
  if (value.apiVersion === undefined || value.apiVersion === '') missing('apiVersion');
  else if (typeof value.apiVersion !== 'string') invalid('apiVersion', 'must be a string');
  if (value.kind === undefined || value.kind === '') missing('kind');
  else if (typeof value.kind !== 'string') invalid('kind', 'must be a string');
  const metadata = value.metadata;
  if (!isObject(metadata)) {
    missing('metadata.name');
  } else {
    if (metadata.name === undefined || metadata.name === '') {
      if (metadata.generateName !== undefined)
        invalid('metadata.generateName', 'cannot be applied: give the object a metadata.name');
      else missing('metadata.name');
    } else if (typeof metadata.name !== 'string') invalid('metadata.name', 'must be a string');
    if (metadata.namespace !== undefined && typeof metadata.namespace !== 'string') {
      invalid('metadata.namespace', 'must be a string');
    }
  }
  if (errors.length > 0) return { manifest: undefined, errors };
  const manifest = value as Manifest;
  if (manifest.apiVersion === 'v1' && manifest.kind === 'Secret') {
    const secret = secretErrors(manifest, where, manifest.metadata.name);
    if (secret.length > 0) return { manifest: undefined, errors: secret };
  }
  return { manifest, errors: [] };
}
