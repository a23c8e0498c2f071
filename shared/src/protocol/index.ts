// The agent ↔ hub wire protocol: message types, versions and limits, close codes, and the functions
// that read and write frames (validating both ways). No sockets: the channel modules own those.
export {
  AGENT_MESSAGE_TYPES,
  type AgentMessage,
  type AgentMessageOf,
  type AgentMessageType,
  type DeltaBody,
  type DriftBody,
  type EventBody,
  type HeartbeatBody,
  type HelloBody,
  type ReadinessBody,
  type SnapshotBody,
  type SyncReportBody,
} from './agent-messages.ts';
export {
  CLOSE_CODE_MEANINGS,
  CLOSE_CODES,
  closeCodeName,
  MAX_CLOSE_REASON_BYTES,
  truncateBytes,
  type CloseCode,
  type CloseCodeName,
} from './close-codes.ts';
export type { ResourceSummary } from './common-schemas.ts';
export { PROTOCOL_ERROR_CODES, ProtocolError, type ProtocolErrorCode } from './errors.ts';
export {
  HUB_MESSAGE_TYPES,
  type AckBody,
  type HubMessage,
  type HubMessageOf,
  type HubMessageType,
  type RefreshBody,
  type SnapshotRequestBody,
  type WelcomeBody,
} from './hub-messages.ts';
export {
  DEFAULT_LIMITS,
  frameBytes,
  LIMIT_RANGES,
  negotiateVersion,
  PROTOCOL_VERSION,
  PROTOCOL_VERSIONS,
  type Limits,
} from './negotiate.ts';
export { parseAgentFrame, parseHubFrame, type ParsedFrame, type ParseOptions } from './parse-frame.ts';
export { serializeAgentMessage, serializeHubMessage, type SerializeOptions } from './serialize.ts';
export { chunkSnapshot, snapshotDigest } from './snapshot.ts';
export {
  BOUNDS,
  CHANGE_ACTIONS,
  DRIFT_OUTCOMES,
  EVENT_TYPES,
  FIELD_CHANGES,
  OBJECT_ACTIONS,
  SYNC_RESULTS,
  SYNC_STEPS,
  type ChangeAction,
  type DriftOutcome,
  type EventType,
  type FieldChange,
  type ObjectAction,
  type SyncResult,
  type SyncStep,
} from './vocabulary.ts';
