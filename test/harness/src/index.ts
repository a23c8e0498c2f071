// @ferry/test: the end-to-end harness. Real kube-apiserver clusters on one etcd, a real Git server,
// a simulated kubelet (the one simulation allowed), and an in-cluster runner.
export { Harness, type GitServerOptions } from './harness.ts';
export { HarnessError, type HarnessErrorCode } from './errors.ts';
export { KubeHttp, type KubeEndpoint, type PatchType, type WatchEvent } from './kube-http.ts';
export { waitFor, type WaitOptions } from './wait.ts';
export { freePort } from './ports.ts';
export { freshNamespace, type FreshNamespace } from './namespace.ts';
export type { ClusterRecord, GitServerRecord, HarnessState } from './types.ts';
export {
  deleteSimulatedVolumes,
  settle,
  startKubeletSim,
  SIMULATED_BEHAVIOURS,
  type RunningKubeletSim,
  type SimulatedBehaviour,
  type SimulatedKubeletReport,
  type SimulatedKubeletRule,
} from './kubelet-sim.ts';
export { rolloutPending, waitRolloutComplete } from './rollout.ts';
export { runInCluster, type InClusterProcess, type InClusterRunOptions } from './in-cluster-runner.ts';
