// The render verb: from the files under a sync's path to validated, normalised objects that remember
// their file:line, or every error at once (nothing downstream runs when there is any).
import { parseApiVersion, refKey, type ObjectRef } from '@ferry/shared';
import { defaultPortProtocols } from './normalize.ts';
import type { ParseCache } from './parse-cache.ts';
import { parseManifestFile } from './parse-yaml.ts';
import { crdScopes, isClusterScoped } from './scope.ts';
import { selectFiles } from './select-files.ts';
import {
  DEFAULT_RENDER_OPTIONS,
  type Manifest,
  type RenderedObject,
  type RenderError,
  type RenderFile,
  type RenderOptions,
  type RenderResult,
  type SourceLocation,
} from './types.ts';
import { validateObject } from './validate.ts';

interface Candidate {
  readonly manifest: Manifest;
  readonly where: SourceLocation;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** `kind: List` (and `FooList` with items) expands into its items, each at its own line. */
function expand(
  value: unknown,
  line: number,
  itemLines: readonly number[],
): { value: unknown; line: number }[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [{ value, line }];
  const object = value as Record<string, unknown>;
  const isList =
    typeof object.kind === 'string' &&
    (object.kind === 'List' || object.kind.endsWith('List')) &&
    Array.isArray(object.items);
  if (!isList) return [{ value, line }];
  return (object.items as unknown[]).map((item, index) => ({ value: item, line: itemLines[index] ?? line }));
}

function collect(
  files: readonly RenderFile[],
  options: RenderOptions,
  errors: RenderError[],
  cache: ParseCache | undefined,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = UTF8.decode(file.content);
    } catch {
      const lenient = new TextDecoder().decode(file.content);
      const line = lenient.slice(0, Math.max(0, lenient.indexOf('\uFFFD'))).split('\n').length;
      errors.push({ code: 'invalid-yaml', file: file.path, line, message: 'file is not valid UTF-8' });
      continue;
    }
    const key = cache?.key(file.path, file.content);
    const cached = key === undefined ? undefined : cache?.get(key);
    const parsed = cached ?? parseManifestFile(file.path, text, options);
    if (key !== undefined && cached === undefined) cache?.set(key, parsed);
    errors.push(...parsed.errors);
    for (const document of parsed.documents) {
      for (const entry of expand(document.value, document.line, document.itemLines)) {
        const where = { file: file.path, line: entry.line };
        const result = validateObject(entry.value, where);
        if (result.manifest === undefined) errors.push(...result.errors);
        else candidates.push({ manifest: result.manifest, where });
        if (candidates.length > options.maxObjects) {
          errors.push({
            code: 'limit-exceeded',
            ...where,
            message: `more than ${options.maxObjects} objects under the path (the limit is configurable)`,
          });
          return candidates;
        }
      }
    }
  }
  return candidates;
}

/** `cache` keeps parsed files between calls (the agent's loop); the result is the same without it. */
export function render(
  files: readonly RenderFile[],
  options: RenderOptions = DEFAULT_RENDER_OPTIONS,
  cache?: ParseCache,
): RenderResult {
  const selected = selectFiles(files);
  if (selected.errors.length > 0) return { ok: false, errors: selected.errors };
  const errors: RenderError[] = [];
  const candidates = collect(selected.manifests, options, errors, cache);
  const crds = crdScopes(candidates.map((candidate) => candidate.manifest));
  const objects: RenderedObject[] = [];
  const seen = new Map<string, SourceLocation>();
  for (const { manifest: original, where } of candidates) {
    const manifest = structuredClone(original);
    const { group, version } = parseApiVersion(manifest.apiVersion);
    const namespaceDefaulted =
      (manifest.metadata.namespace === undefined || manifest.metadata.namespace === '') &&
      !isClusterScoped(group, manifest.kind, crds);
    if (namespaceDefaulted) manifest.metadata.namespace = options.targetNamespace;
    defaultPortProtocols(manifest, group);
    const ref: ObjectRef = {
      group,
      version,
      kind: manifest.kind,
      namespace: manifest.metadata.namespace ?? '',
      name: manifest.metadata.name,
    };
    const key = refKey(ref);
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({
        code: 'duplicate-object',
        ...where,
        message: `${manifest.kind} ${ref.namespace === '' ? '' : `${ref.namespace}/`}${ref.name} is already defined at ${first.file}:${first.line}`,
      });
      continue;
    }
    seen.set(key, where);
    objects.push({ ref, manifest, source: where, namespaceDefaulted });
  }
  if (errors.length > 0) {
    const ordered = [...errors].sort((a, b) =>
      a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1,
    );
    return { ok: false, errors: ordered };
  }
  return { ok: true, objects };
}
