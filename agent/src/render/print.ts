// Rendered objects as a YAML stream, each preceded by the file:line it came from. Secret values are
// replaced unless the caller asks for them.
import { stringify } from 'yaml';
import type { RenderedObject } from './types.ts';

export const REDACTED = '<redacted>';

function redact(object: RenderedObject): Record<string, unknown> {
  if (object.ref.group !== '' || object.ref.kind !== 'Secret') return object.manifest;
  const copy = structuredClone(object.manifest);
  for (const field of ['data', 'stringData']) {
    const values = copy[field];
    if (typeof values === 'object' && values !== null) {
      copy[field] = Object.fromEntries(Object.keys(values).map((key) => [key, REDACTED]));
    }
  }
  return copy;
}

export function printObjects(objects: readonly RenderedObject[], options: { showSecrets: boolean }): string {
  return objects
    .map((object) => {
      const body = stringify(options.showSecrets ? object.manifest : redact(object), { lineWidth: 0 });
      return `---\n# Source: ${object.source.file}:${object.source.line}\n${body}`;
    })
    .join('');
}
