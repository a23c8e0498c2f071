// A .dockerignore read as Docker reads it (moby's patternmatcher): one pattern a line, `#` lines are
// comments, `!` makes an exception; a pattern is cleaned (no leading or trailing slash, `.` and `..`
// resolved) and is a glob where `*` and `?` stop at `/`, `**/` is any number of folders (none
// included) and a trailing `**` is anything. A pattern excludes a path when it matches the path or one
// of its parent folders, so `**/node_modules` takes everything under every node_modules; the last
// pattern that matches decides, so a later `!` line brings a path back.
import { posix } from 'node:path';

export interface IgnoreRule {
  readonly pattern: string;
  /** A `!` line: what it matches is kept in the context. */
  readonly exception: boolean;
  readonly regex: RegExp;
}

/** The glob as a regular expression over a whole /-separated path. */
function globToRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === '*') {
      if (pattern.charAt(i + 1) === '*') {
        i++;
        if (pattern.charAt(i + 1) === '/') {
          i++;
          source += '(.*/)?';
        } else source += '.*';
      } else source += '[^/]*';
    } else if (char === '?') source += '[^/]';
    else if (char === '\\' && i + 1 < pattern.length) {
      i++;
      source += escape(pattern.charAt(i));
    } else if (char === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) throw new Error(`.dockerignore: unterminated [ in ${pattern}`);
      source += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
      i = end;
    } else source += escape(char);
  }
  return new RegExp(`^${source}$`);
}

function escape(char: string): string {
  return /[.+^${}()|[\]\\/]/.test(char) ? `\\${char}` : char;
}

export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exception = line.startsWith('!');
    if (exception) line = line.slice(1).trim();
    const pattern = posix.normalize(line).replace(/^\/+/, '').replace(/\/+$/, '');
    if (pattern === '' || pattern === '.') continue;
    rules.push({ pattern, exception, regex: globToRegex(pattern) });
  }
  return rules;
}

/** The path and each of its parent folders: `a/b/c` → `a/b/c`, `a`, `a/b`. */
function selfAndParents(path: string): string[] {
  const parts = path.split('/');
  return [path, ...parts.slice(0, -1).map((_, index) => parts.slice(0, index + 1).join('/'))];
}

/** True when the context leaves `path` (relative to the context's root, /-separated) out. */
export function isExcluded(rules: readonly IgnoreRule[], path: string): boolean {
  const candidates = selfAndParents(posix.normalize(path).replace(/^\/+/, '').replace(/\/+$/, ''));
  let excluded = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.regex.test(candidate))) excluded = !rule.exception;
  }
  return excluded;
}
