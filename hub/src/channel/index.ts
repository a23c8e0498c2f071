// The hub's side of the agent channel: one websocket per agent at AGENT_CHANNEL_PATH, authenticated by
// the agent's credential, exact (each message stored once, acked only once committed) and crash-safe.
// The only hub module that imports ws.
export { AGENT_CHANNEL_PATH, createChannel, type AgentChannel, type Following } from './channel.ts';
export { DEFAULT_CHANNEL_OPTIONS, type ChannelOptions } from './options.ts';
