// The objects of deploy/agent the hub reads or adds. They are the release's names: the hub finds them
// in the static manifest and refuses to start when one is missing (see parseStaticManifest()).
export const AGENT_NAMESPACE = 'ferry-system';
/** The ConfigMap holding the agent's first GitSync (key gitsync.yaml). */
export const BOOTSTRAP_CONFIGMAP = 'ferry-agent-bootstrap';
export const BOOTSTRAP_KEY = 'gitsync.yaml';
/** The empty Secret the agent stores its long-lived hub credential in. */
export const CREDENTIAL_SECRET = 'ferry-agent-credential';
export const AGENT_DEPLOYMENT = 'ferry-agent';
/** The container of the Deployment that runs the agent (its image is what the manifest installs). */
export const AGENT_CONTAINER = 'agent';
/** The bootstrap Secret the hub adds: keys url, enrollmentToken and (optionally) ca.crt. */
export const HUB_SECRET = 'ferry-agent-hub';
export const HUB_SECRET_KEYS = { url: 'url', enrollmentToken: 'enrollmentToken', ca: 'ca.crt' } as const;
/** On the hub Secret: the name of the cluster the token enrolls, for people reading the manifest. */
export const CLUSTER_ANNOTATION = 'ferry.dev/cluster';
export const PART_OF_LABELS = {
  'app.kubernetes.io/name': 'ferry-agent',
  'app.kubernetes.io/part-of': 'ferry',
} as const;
