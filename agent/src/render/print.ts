// Rendered objects as a YAML stream, each preceded by the file:line it came from, written so that
// Kubernetes reads back exactly the same objects: a string that its YAML 1.1 rules would take for a
// boolean, a number or null (`"yes"`, `"0o10"`, `"~"`) is quoted. Secret values are replaced unless
// the caller asks for them.
import { Document, visit } from 'yaml';
import type { RenderedObject } from './types.ts';
import { resolvePlainScalar } from './yaml-scalars.ts';

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

/** YAML that Kubernetes parses back to `value`. */
export function toKubernetesYaml(value: unknown): string {
  const doc = new Document(value, { version: '1.1' });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && resolvePlainScalar(node.value).kind !== 'string') {
        node.type = 'QUOTE_DOUBLE';
      }
    },
  });
  return doc.toString({ lineWidth: 0 });
}

export function printObjects(objects: readonly RenderedObject[], options: { showSecrets: boolean }): string {
  return objects
    .map((object) => {
      const body = toKubernetesYaml(options.showSecrets ? object.manifest : redact(object));
      return `---\n# Source: ${object.source.file}:${object.source.line}\n${body}`;
    })
    .join('');
}
