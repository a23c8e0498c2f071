// The hub's live stream of cluster changes (GET /api/v1/events): createClusterStream() for server.ts,
// fed by the channel's and the API's change hooks, and the source that reads clusters as the API shows
// them. Server-sent events; slow subscribers are dropped, never buffered without bound.
export {
  createClusterStream,
  DEFAULT_CLUSTER_STREAM_OPTIONS,
  type ClusterStream,
  type ClusterStreamDeps,
  type ClusterStreamOptions,
  type ClusterStreamStats,
  type SubscribeRequest,
  type Subscription,
} from './cluster-stream.ts';
export { storeClusterSource, type ClusterSource } from './cluster-source.ts';
export { END_REASONS, type EndReason } from './subscriber.ts';
export { formatSseComment, formatSseEvent, type SseEvent } from './sse.ts';
