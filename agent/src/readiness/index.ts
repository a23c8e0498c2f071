// Disaster-recovery readiness: which objects of the managed namespaces Git could rebuild, which it could
// not (not in Git, or data), and which kinds the agent could not see.
export { classifyReadiness } from './classify.ts';
export { inventoryDigest, scanDue, type LastScan } from './due.ts';
export { kindName, readinessRef } from './format.ts';
export { IGNORED_KINDS, KUBERNETES_MADE_RULES, madeByKubernetes } from './kubernetes-made.ts';
export { managedNamespaces } from './managed-namespaces.ts';
export {
  DEFAULT_SCAN_CONCURRENCY,
  scanReadiness,
  type ScanKube,
  type ScanOptions,
  type ScanResult,
} from './scan.ts';
export { readinessMessage, STATUS_ITEM_LIMIT, summarizeReadiness } from './summarize.ts';
export * from './types.ts';
