// Drift detection, the pure part: given the object as Ferry's last apply left it (the baseline) and a
// newer version from the watch, say whether fields Ferry owns were changed or removed by someone else.
export { describeDrift, DESCRIBED_FIELDS } from './describe-drift.ts';
export { detectDrift, type DetectDriftInput } from './detect-drift.ts';
export {
  fieldNodes,
  fieldPaths,
  formatSegment,
  ownedBy,
  ownedNodes,
  type FieldNode,
  type FieldSegment,
} from './fields.ts';
export { covers, ignoredBy, parseIgnoreRules, pointerProblem, selects } from './ignore.ts';
export * from './types.ts';
