// The hub's one door to the `yaml` package (the install manifest and the CLI's `-o yaml` both use it).
// What it writes, Kubernetes reads back as the same values: kubectl and the agent read YAML 1.1, where
// plain `yes`, `on`, `1.0`, `010` or `2024-01-01` are not strings, so every string that is not plainly
// a string is quoted, and multi-line strings are literal blocks.
import { hasControlCharacters } from './control-chars.ts';
import {
  Document,
  isMap,
  isScalar,
  Pair,
  parseAllDocuments,
  parseDocument,
  Scalar,
  visit,
  YAMLMap,
} from 'yaml';

export class YamlError extends Error {
  override readonly name = 'YamlError';
}

/** Starts with a letter and holds nothing YAML could take for syntax. */
const PLAIN_SAFE = /^[A-Za-z][A-Za-z0-9._/:@+-]*$/;

/** True when a string may be written without quotes and still read back as that string (YAML 1.1 and 1.2). */
export function isPlainSafe(value: string): boolean {
  if (!PLAIN_SAFE.test(value) || value.endsWith(':')) return false;
  try {
    return parseDocument(value, { version: '1.1' }).toJS() === value && parseDocument(value).toJS() === value;
  } catch {
    return false;
  }
}

/** A scalar node for a string, quoted unless plainly a string; a literal block when it has lines. */
function mapNode(values: Readonly<Record<string, string>>): YAMLMap {
  const map = new YAMLMap();
  for (const [key, value] of Object.entries(values))
    map.items.push(new Pair(new Scalar(key), stringNode(value)));
  return map;
}

function stringNode(value: string): Scalar {
  const node = new Scalar(value);
  if (value.includes('\n') && !hasControlCharacters(value, true)) node.type = 'BLOCK_LITERAL';
  else if (!isPlainSafe(value)) node.type = 'QUOTE_DOUBLE';
  else node.type = 'PLAIN';
  return node;
}

function quoteStrings(doc: Document): void {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string') node.type = stringNode(node.value).type;
    },
  });
}

/** One value as one YAML document (no `---`), ending in a newline. */
export function toYaml(value: unknown): string {
  const doc = new Document(value, { version: '1.1' });
  quoteStrings(doc);
  return doc.toString({ lineWidth: 0 });
}

/** Every document of a YAML stream as plain data; throws YamlError naming `source` and the first error. */
export function parseYamlStream(text: string, source: string): unknown[] {
  const docs = parseAllDocuments(text, { version: '1.1' });
  if (!Array.isArray(docs)) return [];
  const values: unknown[] = [];
  for (const doc of docs) {
    const [error] = doc.errors;
    if (error !== undefined) throw new YamlError(`${source}: ${error.message}`, { cause: error });
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

/**
 * A change to one key of a mapping: set it to a string or to a mapping of strings (inserted after
 * `after` when new), or delete it (undefined).
 */
export interface MappingChange {
  readonly key: string;
  readonly value: string | Readonly<Record<string, string>> | undefined;
  /** Where a new key goes: after this key when present, else at the end. */
  readonly after?: string;
}

/**
 * Edits string values of the mapping at `path` inside a YAML document, keeping its comments and the
 * rest of its text. Throws YamlError when the text does not parse or `path` is not a mapping.
 */
export function editYamlMapping(
  text: string,
  path: readonly string[],
  changes: readonly MappingChange[],
  source: string,
): string {
  const doc = parseDocument(text, { version: '1.1' });
  const [error] = doc.errors;
  if (error !== undefined) throw new YamlError(`${source}: ${error.message}`, { cause: error });
  const mapping = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isMap(mapping)) throw new YamlError(`${source}: ${path.join('.') || 'the document'} is not a mapping`);
  const indexOf = (key: string): number =>
    mapping.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === key);
  for (const change of changes) {
    if (change.value === undefined) {
      mapping.delete(change.key);
      continue;
    }
    const at = indexOf(change.key);
    const node = typeof change.value === 'string' ? stringNode(change.value) : mapNode(change.value);
    if (at >= 0) {
      mapping.set(change.key, node);
      continue;
    }
    const after = change.after === undefined ? -1 : indexOf(change.after);
    const pair = new Pair(new Scalar(change.key), node);
    if (after >= 0) mapping.items.splice(after + 1, 0, pair);
    else mapping.items.push(pair);
  }
  return doc.toString({ lineWidth: 0 });
}
