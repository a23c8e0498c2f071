// Render: files under a sync's path → validated, normalised objects with their file:line.
export { render } from './render.ts';
export { ParseCache } from './parse-cache.ts';
export { printObjects, REDACTED } from './print.ts';
export { isRenderInput, IGNORE_FILE } from './select-files.ts';
export {
  DEFAULT_RENDER_OPTIONS,
  RENDER_ERROR_CODES,
  type Manifest,
  type RenderedObject,
  type RenderError,
  type RenderErrorCode,
  type RenderFile,
  type RenderOptions,
  type RenderResult,
  type SourceLocation,
} from './types.ts';
export { RenderMemo } from './render-memo.ts';
