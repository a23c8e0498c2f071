// How an Inventory is stored in a ConfigMap's data, and the set operations on it. Pure functions.
//
// Format v1: key `entries` holds one line per object, `group|version|kind|namespace|name`, sorted by
// refKey; `|` cannot appear in any of those fields. When the text grows past a threshold it is stored
// gzipped and base64-encoded under `entries.gz` with format `v1-gzip` (a ConfigMap holds at most 1 MiB).
// Decoding never drops an entry silently: any line it cannot read is an error naming the line.
import { gunzipSync, gzipSync } from 'node:zlib';
import { refKey, type ObjectRef } from '@ferry/shared';
import type { Inventory } from './types.ts';

export const INVENTORY_FORMATS = ['v1', 'v1-gzip'] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

export const FORMAT_KEY = 'format';
export const PLAIN_KEY = 'entries';
export const GZIP_KEY = 'entries.gz';

export interface EncodeOptions {
  /** Text longer than this (in UTF-8 bytes) is stored gzipped. */
  readonly compressAboveBytes: number;
}

export const DEFAULT_ENCODE_OPTIONS: EncodeOptions = Object.freeze({ compressAboveBytes: 256 * 1024 });

const FIELDS = ['group', 'version', 'kind', 'namespace', 'name'] as const;
const SHOWN_LINE_CHARS = 200;

/** Sorted by refKey, one entry per refKey; of two entries with the same key the later one wins. */
export function inventoryOf(refs: Iterable<ObjectRef>): Inventory {
  const byKey = new Map<string, ObjectRef>();
  for (const ref of refs) byKey.set(refKey(ref), ref);
  const keys = [...byKey.keys()].sort(compareStrings);
  return { entries: keys.map((key) => byKey.get(key) as ObjectRef) };
}

/** a ∪ b by refKey; where both hold an object, b's entry (the newer API version) is kept. */
export function mergeInventories(a: Inventory, b: Inventory): Inventory {
  return inventoryOf([...a.entries, ...b.entries]);
}

/** a − b by refKey, in a's order. */
export function subtractRefs(a: readonly ObjectRef[], b: readonly ObjectRef[]): ObjectRef[] {
  const drop = new Set(b.map(refKey));
  return a.filter((ref) => !drop.has(refKey(ref)));
}

export function encodeInventory(
  inventory: Inventory,
  options: Partial<EncodeOptions> = {},
): Record<string, string> {
  const { compressAboveBytes } = { ...DEFAULT_ENCODE_OPTIONS, ...options };
  const text = inventoryOf(inventory.entries).entries.map(encodeLine).join('\n');
  if (Buffer.byteLength(text, 'utf8') <= compressAboveBytes) {
    return { [FORMAT_KEY]: 'v1', [PLAIN_KEY]: text };
  }
  return { [FORMAT_KEY]: 'v1-gzip', [GZIP_KEY]: gzipSync(text).toString('base64') };
}

/** Reads what encodeInventory wrote; `where` names the stored object in every error. */
export function decodeInventory(data: Readonly<Record<string, string>>, where: string): Inventory {
  const format = data[FORMAT_KEY];
  if (format === 'v1') return decodeText(requireKey(data, PLAIN_KEY, where), where);
  if (format === 'v1-gzip') return decodeText(gunzip(requireKey(data, GZIP_KEY, where), where), where);
  const found = format === undefined ? `no "${FORMAT_KEY}" key` : `format "${format}"`;
  throw new Error(
    `inventory ${where}: ${found}; this agent reads formats ${INVENTORY_FORMATS.join(', ')}. ` +
      'Fix or delete the object (Ferry then forgets what it owned and prunes nothing it did not re-apply).',
  );
}

function encodeLine(ref: ObjectRef): string {
  const values = FIELDS.map((field) => ref[field]);
  for (const [index, value] of values.entries()) {
    if (/[|\n\r]/.test(value)) {
      throw new Error(
        `inventory entry ${refKey(ref)}: ${FIELDS[index] ?? '?'} "${value}" contains | or a newline`,
      );
    }
  }
  return values.join('|');
}

function decodeText(text: string, where: string): Inventory {
  if (text === '') return { entries: [] };
  const lines = text.split('\n');
  // Tolerate one trailing newline (a hand edit); every other line must be an entry.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const seen = new Map<string, number>();
  const entries = lines.map((line, index) => {
    const lineNo = index + 1;
    const ref = decodeLine(line, () => `inventory ${where}: line ${lineNo} ${show(line)}`);
    const key = refKey(ref);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new Error(`inventory ${where}: line ${lineNo} ${show(line)} repeats the object on line ${first}`);
    }
    seen.set(key, lineNo);
    return ref;
  });
  return { entries: entries.sort((x, y) => compareStrings(refKey(x), refKey(y))) };
}

function decodeLine(line: string, at: () => string): ObjectRef {
  const parts = line.split('|');
  if (parts.length !== FIELDS.length) {
    throw new Error(`${at()}: expected ${FIELDS.join('|')} (5 fields), found ${parts.length}`);
  }
  const [group = '', version = '', kind = '', namespace = '', name = ''] = parts;
  const missing = Object.entries({ version, kind, name })
    .filter(([, value]) => value === '')
    .map(([field]) => field);
  if (missing.length > 0) throw new Error(`${at()}: empty ${missing.join(', ')}`);
  if (line.includes('\r')) throw new Error(`${at()}: contains a carriage return`);
  return { group, version, kind, namespace, name };
}

function requireKey(data: Readonly<Record<string, string>>, key: string, where: string): string {
  const value = data[key];
  if (typeof value !== 'string') {
    throw new Error(`inventory ${where}: format "${data[FORMAT_KEY] ?? ''}" but no "${key}" key`);
  }
  return value;
}

function gunzip(base64: string, where: string): string {
  const bytes = Buffer.from(base64, 'base64');
  try {
    return gunzipSync(bytes).toString('utf8');
  } catch (error) {
    throw new Error(`inventory ${where}: "${GZIP_KEY}" is not base64 of gzip data`, { cause: error });
  }
}

function show(line: string): string {
  const cut = line.length > SHOWN_LINE_CHARS ? `${line.slice(0, SHOWN_LINE_CHARS)}…` : line;
  return JSON.stringify(cut);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
