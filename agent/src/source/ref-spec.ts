// Parsing and printing what a sync follows: `branch:main`, `tag:v1.2.0`, `semver:>=1.2.0 <2`,
// `commit:<sha>`; a bare name is a branch and 40 hex digits are a commit.
import validRange from 'semver/ranges/valid.js';
import { SourceError } from './errors.ts';
import type { RefSpec } from './types.ts';

const SHA = /^[0-9a-f]{40}$/;
// What git check-ref-format refuses, in short: spaces, control characters, ~^:?*[\ and '..', '@{'.
const BAD_REF = /[\s~^:?*[\\\p{Cc}]|\.\.|@\{|^\/|\/$|\.lock$|^-/u;

function checkName(kind: 'branch' | 'tag', name: string): RefSpec {
  if (name === '' || BAD_REF.test(name)) {
    throw new SourceError('invalid-ref', `invalid ${kind} name ${JSON.stringify(name)}`);
  }
  return { kind, name };
}

export function parseRefSpec(text: string): RefSpec {
  const value = text.trim();
  const colon = value.indexOf(':');
  const prefix = colon === -1 ? '' : value.slice(0, colon);
  const rest = value.slice(colon + 1).trim();
  switch (prefix) {
    case 'branch':
      return checkName('branch', rest.replace(/^refs\/heads\//, ''));
    case 'tag':
      return checkName('tag', rest.replace(/^refs\/tags\//, ''));
    case 'semver':
      if (validRange(rest) === null) {
        throw new SourceError('invalid-ref', `invalid semver range ${JSON.stringify(rest)}`);
      }
      return { kind: 'semver', range: rest };
    case 'commit': {
      const sha = rest.toLowerCase();
      if (!SHA.test(sha))
        throw new SourceError('invalid-ref', `a commit must be 40 hex digits, not ${JSON.stringify(rest)}`);
      return { kind: 'commit', sha };
    }
    default:
      if (SHA.test(value)) return { kind: 'commit', sha: value };
      if (value.startsWith('refs/tags/')) return checkName('tag', value.slice('refs/tags/'.length));
      return checkName('branch', value.replace(/^refs\/heads\//, ''));
  }
}

export function formatRefSpec(ref: RefSpec): string {
  switch (ref.kind) {
    case 'branch':
      return `branch:${ref.name}`;
    case 'tag':
      return `tag:${ref.name}`;
    case 'semver':
      return `semver:${ref.range}`;
    case 'commit':
      return `commit:${ref.sha}`;
  }
}

/** `<ref>@sha1:<sha>`, or `sha1:<sha>` for a pinned commit. */
export function formatRevision(resolvedRef: string, sha: string, ref: RefSpec): string {
  return ref.kind === 'commit' ? `sha1:${sha}` : `${resolvedRef}@sha1:${sha}`;
}
