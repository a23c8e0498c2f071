// YAML (and JSON) files into plain documents, each with the line it starts on. YAML is read with 1.1
// semantics, as Kubernetes' own decoder reads it: `0400` is 256, `yes`/`on` are booleans. Limits keep
// memory bounded: aliases per document (alias bombs) and bytes per document.
import { LineCounter, parseAllDocuments, YAMLError, type Document } from 'yaml';
import type { RenderError } from './types.ts';

export interface ParsedDocument {
  readonly line: number;
  readonly value: unknown;
  /** Start line of each item when the document is a `kind: List`, in order. */
  readonly itemLines: readonly number[];
}

export interface ParseLimits {
  readonly maxDocumentBytes: number;
  readonly maxAliasCount: number;
}

export interface ParsedFile {
  readonly documents: readonly ParsedDocument[];
  readonly errors: readonly RenderError[];
}

function itemLinesOf(doc: Document.Parsed, lines: LineCounter): number[] {
  const contents = doc.contents;
  if (contents === null || !('items' in contents)) return [];
  const items = contents.items.find((pair) => 'key' in pair && String(pair.key) === 'items');
  const seq = items !== undefined && 'value' in items ? items.value : undefined;
  if (seq === null || typeof seq !== 'object' || !('items' in seq) || !Array.isArray(seq.items)) return [];
  return seq.items.map((item: { range?: [number, number, number] | null }) =>
    item.range ? lines.linePos(item.range[0]).line : 0,
  );
}

/** Replaces Dates (YAML 1.1 timestamps) and the like with what a JSON round trip gives. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

export function parseManifestFile(file: string, text: string, limits: ParseLimits): ParsedFile {
  const lines = new LineCounter();
  const isJson = /\.json$/i.test(file);
  const docs = parseAllDocuments(text, {
    version: isJson ? '1.2' : '1.1',
    lineCounter: lines,
    prettyErrors: false,
    merge: !isJson,
  });
  const documents: ParsedDocument[] = [];
  const errors: RenderError[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const start = doc.range[0];
    const line = lines.linePos(doc.contents?.range[0] ?? start).line;
    const firstError = doc.errors[0];
    if (firstError !== undefined) {
      errors.push({
        code: 'invalid-yaml',
        file,
        line: lines.linePos(firstError.pos[0]).line,
        message: `invalid ${isJson ? 'JSON' : 'YAML'}: ${firstError.message.split('\n')[0] ?? ''}`,
      });
      continue;
    }
    if (doc.contents === null) continue; // an empty document (`---` with nothing after it)
    const bytes = Buffer.byteLength(text.slice(start, doc.range[2]));
    if (bytes > limits.maxDocumentBytes) {
      errors.push({
        code: 'limit-exceeded',
        file,
        line,
        message: `document is ${bytes} bytes, over the limit of ${limits.maxDocumentBytes}`,
      });
      continue;
    }
    try {
      const value = plain(doc.toJS({ maxAliasCount: limits.maxAliasCount }));
      if (value === null || value === undefined) continue;
      documents.push({ line, value, itemLines: itemLinesOf(doc, lines) });
    } catch (error) {
      const aliases = error instanceof ReferenceError || /alias/i.test((error as Error).message);
      errors.push({
        code: aliases ? 'limit-exceeded' : 'invalid-yaml',
        file,
        line,
        message: aliases
          ? `document expands too many YAML aliases (limit ${limits.maxAliasCount}): ${(error as Error).message}`
          : `cannot read document: ${error instanceof YAMLError ? error.message : String(error)}`,
      });
    }
  }
  return { documents, errors };
}
