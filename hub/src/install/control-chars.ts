// Control characters in a value: a line break or other control character in a manifest value could
// only be a mistake or an attempt to smuggle YAML structure in.

/** True when `text` holds a C0 control character or DEL (a line feed is allowed when `allowLineFeed`). */
export function hasControlCharacters(text: string, allowLineFeed = false): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x0a && allowLineFeed) continue;
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
