// What the harness records about what it started; state.json is made of these.

export interface ProcessRecord {
  readonly pid: number;
  readonly what: string;
  readonly logFile: string;
  readonly marks: readonly string[];
}

export interface EtcdRecord {
  readonly url: string;
  readonly dataDir: string;
  readonly process: ProcessRecord;
}

export interface ClusterRecord {
  readonly name: string;
  /** https://127.0.0.1:PORT */
  readonly server: string;
  /** Admin kubeconfig (system:masters token). */
  readonly kubeconfig: string;
  /** Admin bearer token. */
  readonly token: string;
  /** The cluster CA (PEM file); also the CA every ServiceAccount sees. */
  readonly caFile: string;
  readonly etcdPrefix: string;
  readonly dir: string;
  readonly apiserverPort: number;
  readonly controllerManagerPort: number;
  readonly apiserver: ProcessRecord;
  readonly controllerManager: ProcessRecord | undefined;
}

export interface GitUser {
  readonly username: string;
  readonly password: string;
}

export interface GitServerRecord {
  /** http://127.0.0.1:PORT ; repos are at `${url}/${name}.git` */
  readonly url: string;
  readonly port: number;
  /** Directory of bare repositories (`<name>.git`). */
  readonly root: string;
  /** Basic-auth users; empty means no authentication. */
  readonly users: readonly GitUser[];
  /** Accepted bearer tokens. */
  readonly tokens: readonly string[];
  readonly process: ProcessRecord;
}

export interface HarnessState {
  readonly dir: string;
  readonly etcd: EtcdRecord | undefined;
  readonly clusters: Readonly<Record<string, ClusterRecord>>;
  readonly git: GitServerRecord | undefined;
}
