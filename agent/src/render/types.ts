// What render produces: validated objects that remember where they came from, or every error at once.
import type { ObjectRef } from '@ferry/shared';

export const RENDER_ERROR_CODES = [
  'invalid-yaml',
  'not-an-object',
  'missing-field',
  'invalid-field',
  'duplicate-object',
  'invalid-secret',
  'unsupported-source',
  'limit-exceeded',
] as const;
export type RenderErrorCode = (typeof RENDER_ERROR_CODES)[number];

export interface SourceLocation {
  /** Path relative to the sync's path. */
  readonly file: string;
  /** 1-based line where the object (or the error) starts. */
  readonly line: number;
}

export interface RenderError extends SourceLocation {
  readonly code: RenderErrorCode;
  readonly message: string;
}

export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & { name: string; namespace?: string };
};

export interface RenderedObject {
  readonly ref: ObjectRef;
  readonly manifest: Manifest;
  readonly source: SourceLocation;
  /** The namespace was filled in from targetNamespace (a planner that learns the kind is cluster-scoped drops it). */
  readonly namespaceDefaulted: boolean;
}

export type RenderResult =
  | { readonly ok: true; readonly objects: readonly RenderedObject[] }
  | { readonly ok: false; readonly errors: readonly RenderError[] };

export interface RenderOptions {
  /** Namespace for namespaced objects that name none. */
  readonly targetNamespace: string;
  readonly maxObjects: number;
  readonly maxDocumentBytes: number;
  /** YAML aliases resolved per document at most (alias bombs). */
  readonly maxAliasCount: number;
}

export const DEFAULT_RENDER_OPTIONS: RenderOptions = {
  targetNamespace: 'default',
  maxObjects: 5000,
  maxDocumentBytes: 1024 * 1024,
  maxAliasCount: 100,
};

export interface RenderFile {
  readonly path: string;
  readonly content: Uint8Array;
}
