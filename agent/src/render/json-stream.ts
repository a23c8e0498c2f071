// A stream of JSON values (`{...} {...}`), as Kubernetes' decoder reads a JSON manifest file: split at
// top-level value boundaries, so each value can be parsed strictly and placed at its line.

export interface JsonChunk {
  readonly start: number;
  readonly end: number;
}

export function splitJsonStream(text: string): {
  chunks: JsonChunk[];
  error: { offset: number; message: string } | undefined;
} {
  const chunks: JsonChunk[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 0 && start === -1) {
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
      if (c !== '{')
        return {
          chunks,
          error: { offset: i, message: `expected '{' to start an object, found ${JSON.stringify(c)}` },
        };
      start = i;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        chunks.push({ start, end: i + 1 });
        start = -1;
      }
    }
  }
  return start === -1
    ? { chunks, error: undefined }
    : { chunks, error: { offset: start, message: 'the object is not closed' } };
}
