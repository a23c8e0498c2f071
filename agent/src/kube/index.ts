// Ferry's Kubernetes client: connect (kubeconfig or in-cluster), then KubeApi on one keep-alive agent.
export { connect, DEFAULT_SERVICE_ACCOUNT_DIR, type ConnectOptions, type KubeConnection } from './client.ts';
export { DEFAULT_KUBE_API_OPTIONS, KubeApiClient, refOf, type KubeApiOptions } from './api.ts';
export * from './types.ts';
export { parseWatchLine, WATCH_EVENT_TYPES, type WatchEvent, type WatchEventType } from './watch.ts';
