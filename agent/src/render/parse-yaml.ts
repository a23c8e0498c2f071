// Manifest files into plain documents, each with the line it starts on, read the way Kubernetes reads
// them: a file whose content starts with `{` is a stream of JSON objects, anything else is YAML with
// Kubernetes' YAML 1.1 rules (yaml-to-json.ts). Limits keep memory bounded: aliases per document
// (alias bombs) and bytes per document.
import { LineCounter, parseAllDocuments, parseDocument, type Document } from 'yaml';
import { splitJsonStream } from './json-stream.ts';
import type { RenderError } from './types.ts';
import { documentToJson, YamlValueError } from './yaml-to-json.ts';

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

function itemLinesOf(doc: Document.Parsed, lineAt: (offset: number) => number): number[] {
  const contents = doc.contents;
  if (contents === null || !('items' in contents)) return [];
  const items = contents.items.find((pair) => 'key' in pair && String(pair.key) === 'items');
  const seq = items !== undefined && 'value' in items ? items.value : undefined;
  if (seq === null || typeof seq !== 'object' || !('items' in seq) || !Array.isArray(seq.items)) return [];
  return seq.items.map((item: { range?: [number, number, number] | null }) =>
    item.range ? lineAt(item.range[0]) : 0,
  );
}

function parseYaml(file: string, text: string, limits: ParseLimits): ParsedFile {
  const lines = new LineCounter();
  // failsafe: every scalar stays its source text; yaml-to-json resolves it as Kubernetes does.
  const docs = parseAllDocuments(text, {
    version: '1.1',
    schema: 'failsafe',
    lineCounter: lines,
    prettyErrors: false,
    logLevel: 'silent',
  });
  const documents: ParsedDocument[] = [];
  const errors: RenderError[] = [];
  const error = (offset: number, code: RenderError['code'], message: string): void => {
    errors.push({ code, file, line: lines.linePos(offset).line, message });
  };
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const start = doc.contents?.range[0] ?? doc.range[0];
    const firstError = doc.errors[0];
    if (firstError !== undefined) {
      error(firstError.pos[0], 'invalid-yaml', `invalid YAML: ${firstError.message.split('\n')[0] ?? ''}`);
      continue;
    }
    if (doc.directives.yaml.explicit === true) {
      error(
        doc.range[0],
        'invalid-yaml',
        'a %YAML directive is not supported: Kubernetes reads every document as YAML 1.1',
      );
      continue;
    }
    if (doc.contents === null) continue; // an empty document (`---` with nothing after it)
    const bytes = Buffer.byteLength(text.slice(doc.range[0], doc.range[2]));
    if (bytes > limits.maxDocumentBytes) {
      error(
        start,
        'limit-exceeded',
        `document is ${bytes} bytes, over the limit of ${limits.maxDocumentBytes}`,
      );
      continue;
    }
    try {
      const value = documentToJson(doc, limits.maxAliasCount);
      if (value === null) continue;
      documents.push({
        line: lines.linePos(start).line,
        value,
        itemLines: itemLinesOf(doc, (offset) => lines.linePos(offset).line),
      });
    } catch (caught) {
      if (!(caught instanceof YamlValueError)) throw caught;
      error(caught.offset, caught.limit ? 'limit-exceeded' : 'invalid-yaml', caught.message);
    }
  }
  return { documents, errors };
}

function parseJson(file: string, text: string, limits: ParseLimits): ParsedFile {
  const documents: ParsedDocument[] = [];
  const errors: RenderError[] = [];
  const lineAt = (offset: number): number => text.slice(0, offset).split('\n').length;
  const { chunks, error } = splitJsonStream(text);
  for (const chunk of chunks) {
    const source = text.slice(chunk.start, chunk.end);
    if (Buffer.byteLength(source) > limits.maxDocumentBytes) {
      errors.push({
        code: 'limit-exceeded',
        file,
        line: lineAt(chunk.start),
        message: `document is ${Buffer.byteLength(source)} bytes, over the limit of ${limits.maxDocumentBytes}`,
      });
      continue;
    }
    try {
      const value = JSON.parse(source) as unknown;
      // Positions only: the YAML parser's view of the same JSON gives each List item its line.
      const positions = parseDocument(source, { schema: 'json', logLevel: 'silent' });
      const itemLines = itemLinesOf(positions, (offset) => lineAt(chunk.start + offset));
      documents.push({ line: lineAt(chunk.start), value, itemLines });
    } catch (caught) {
      const position = /position (\d+)/.exec((caught as Error).message)?.[1];
      errors.push({
        code: 'invalid-yaml',
        file,
        line: lineAt(chunk.start + Number(position ?? 0)),
        message: `invalid JSON: ${(caught as Error).message}`,
      });
    }
  }
  if (error !== undefined) {
    errors.push({
      code: 'invalid-yaml',
      file,
      line: lineAt(error.offset),
      message: `invalid JSON: ${error.message}`,
    });
  }
  return { documents, errors };
}

export function parseManifestFile(file: string, text: string, limits: ParseLimits): ParsedFile {
  // Like Kubernetes' YAMLOrJSONDecoder: the content decides, not the file name.
  const body = text.replace(/^\uFEFF/, '');
  return body.trimStart().startsWith('{') ? parseJson(file, body, limits) : parseYaml(file, body, limits);
}
