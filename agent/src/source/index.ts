// The Git source: from (repo, ref, path) to a revision and its files.
export {
  fetchSource,
  normalizeSourcePath,
  DEFAULT_FETCH_SOURCE_OPTIONS,
  type FetchSourceOptions,
} from './fetch-source.ts';
export { SourceError, SOURCE_ERROR_CODES, type SourceErrorCode } from './errors.ts';
export { parseRefSpec, formatRefSpec, formatRevision } from './ref-spec.ts';
export {
  credentialsFromCli,
  credentialsFromSecretData,
  credentialsFromUrl,
  type GitCredentials,
} from './credentials.ts';
export { readDir, type ReadDirOptions } from './read-dir.ts';
export type * from './types.ts';
