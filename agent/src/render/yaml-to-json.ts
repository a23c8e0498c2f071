// A parsed YAML document (read with the failsafe schema, so every scalar is still its source text)
// turned into JSON values the way Kubernetes does it: plain scalars resolved by resolvePlainScalar,
// explicit tags honoured, merge keys (`<<`) applied, map keys stringified as sigs.k8s.io/yaml does, and
// anything JSON cannot carry refused with the line where it stands. Aliases are counted, so a
// billion-laughs document stops at the limit instead of filling memory.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { formatFloatKey, resolvePlainScalar } from './yaml-scalars.ts';

export class YamlValueError extends Error {
  readonly offset: number;
  readonly limit: boolean;

  constructor(message: string, offset: number, limit = false) {
    super(message);
    this.name = 'YamlValueError';
    this.offset = offset;
    this.limit = limit;
  }
}

const TAG = 'tag:yaml.org,2002:';
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Context {
  readonly doc: Document.Parsed;
  readonly maxAliasCount: number;
  aliases: number;
}

function scalarValue(node: Node & { value: unknown; type?: string; tag?: string }, start: number): Json {
  const text = String(node.value);
  const tag = node.tag;
  if (tag === undefined || tag === '!') {
    if (node.type !== 'PLAIN') return text;
    return checked(resolvePlainScalar(text), text, start);
  }
  switch (tag) {
    case `${TAG}str`:
      return text;
    case `${TAG}null`:
      return null;
    case `${TAG}bool`:
    case `${TAG}int`:
    case `${TAG}float`: {
      const want = tag.slice(TAG.length);
      const resolved = resolvePlainScalar(text);
      const fits = resolved.kind === want || (want === 'float' && resolved.kind === 'int');
      if (!fits) throw new YamlValueError(`!!${want} ${JSON.stringify(text)} is not a valid ${want}`, start);
      return checked(resolved, text, start);
    }
    case `${TAG}binary`: {
      const base64 = text.replace(/\s/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64))
        throw new YamlValueError('!!binary value is not base64', start);
      return Buffer.from(base64, 'base64').toString('utf8');
    }
    case `${TAG}timestamp`:
      return text;
    default:
      throw new YamlValueError(`unsupported YAML tag ${tag}`, start);
  }
}

function checked(resolved: ReturnType<typeof resolvePlainScalar>, text: string, start: number): Json {
  switch (resolved.kind) {
    case 'null':
      return null;
    case 'bool':
    case 'string':
      return resolved.value;
    case 'int':
      if (!resolved.exact) {
        throw new YamlValueError(
          `the integer ${text} is beyond ±2^53 and cannot be carried exactly; quote it if it is a string`,
          start,
        );
      }
      return resolved.value;
    case 'float':
      if (!Number.isFinite(resolved.value))
        throw new YamlValueError(`${text} cannot be represented in JSON`, start);
      return resolved.value;
  }
}

function keyString(node: unknown, ctx: Context): string {
  const target = isAlias(node) ? node.resolve(ctx.doc) : node;
  const start = (target as { range?: [number, number, number] } | undefined)?.range?.[0] ?? 0;
  if (!isScalar(target))
    throw new YamlValueError('a map key must be a scalar (Kubernetes refuses collection keys)', start);
  if (target.type !== 'PLAIN' || target.tag === `${TAG}str`) return String(target.value);
  const resolved = resolvePlainScalar(String(target.value));
  switch (resolved.kind) {
    case 'null':
      throw new YamlValueError('a map key cannot be null', start);
    case 'bool':
      return String(resolved.value);
    case 'int':
      return String(resolved.value);
    case 'float':
      return formatFloatKey(resolved.value);
    case 'string':
      return resolved.value;
  }
}

function convert(node: unknown, ctx: Context): Json {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    ctx.aliases += 1;
    const start = node.range?.[0] ?? 0;
    if (ctx.aliases > ctx.maxAliasCount) {
      throw new YamlValueError(
        `document expands too many YAML aliases (more than ${ctx.maxAliasCount})`,
        start,
        true,
      );
    }
    const target = node.resolve(ctx.doc);
    if (target === undefined) throw new YamlValueError(`unknown alias *${node.source}`, start);
    return convert(target, ctx);
  }
  if (isScalar(node)) return scalarValue(node as Node & { value: unknown }, node.range?.[0] ?? 0);
  if (isSeq(node)) return node.items.map((item) => convert(item, ctx));
  if (isMap(node)) {
    const out: Record<string, Json> = {};
    const merged: Record<string, Json>[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      if (isScalar(pair.key) && pair.key.type === 'PLAIN' && pair.key.value === '<<') {
        const value = convert(pair.value, ctx);
        const sources = Array.isArray(value) ? value : [value];
        for (const source of sources) {
          if (typeof source !== 'object' || source === null || Array.isArray(source)) {
            throw new YamlValueError(
              'a merge key (<<) takes a map or a list of maps',
              pair.key.range?.[0] ?? 0,
            );
          }
          merged.push(source);
        }
        continue;
      }
      const key = keyString(pair.key, ctx);
      if (key in out) {
        // `yes:` and `on:` are one key to Kubernetes; it would keep the last silently, Ferry says so.
        const at = (pair.key as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
        throw new YamlValueError(`duplicate map key ${JSON.stringify(key)}`, at);
      }
      out[key] = convert(pair.value, ctx);
    }
    // Explicit keys win over merged ones; among merged maps, the first one listed wins.
    for (const source of merged) {
      for (const [key, value] of Object.entries(source)) if (!(key in out)) out[key] = value;
    }
    return out;
  }
  const start = (node as { range?: [number, number, number] }).range?.[0] ?? 0;
  throw new YamlValueError('unexpected YAML node', start);
}

export function documentToJson(doc: Document.Parsed, maxAliasCount: number): Json {
  return convert(doc.contents, { doc, maxAliasCount, aliases: 0 });
}

export function lineOf(lines: LineCounter, offset: number): number {
  return lines.linePos(offset).line;
}
