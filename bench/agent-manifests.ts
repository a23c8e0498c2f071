// What the agent benchmark keeps in Git: 1,000 mixed objects in 20 namespaces, the same mix as
// apply.bench.ts (ConfigMaps, Secrets, Services, Deployments with 0 replicas, ServiceAccounts, Roles,
// RoleBindings), one file per namespace under deploy/, each file starting with its Namespace.

export const NAMESPACES = 20;
export const PER_NAMESPACE = 50; // 20 × 50 = 1,000 objects (plus the 20 Namespaces)
export const MANIFEST_PATH = 'deploy';

/** The namespace of index `n`: `bench-0` … `bench-19`. */
export const benchNamespace = (n: number): string => `bench-${String(n)}`;

/** Git's value of `data.key` in ConfigMap `obj-<i>` (ConfigMaps are the objects whose i % 7 is 0). */
export const configMapValue = (i: number): string => `value-${String(i)}`;

function object(ns: string, i: number): string {
  const name = `obj-${String(i)}`;
  const meta = `metadata:\n  name: ${name}\n  namespace: ${ns}\n`;
  switch (i % 7) {
    case 0:
      return `apiVersion: v1\nkind: ConfigMap\n${meta}data:\n  key: ${configMapValue(i)}\n`;
    case 1:
      return `apiVersion: v1\nkind: Secret\n${meta}type: Opaque\nstringData:\n  password: not-a-real-secret-${String(i)}\n`;
    case 2:
      return `apiVersion: v1\nkind: Service\n${meta}spec:\n  selector:\n    app: ${name}\n  ports:\n  - port: 80\n    protocol: TCP\n`;
    case 3:
      return [
        `apiVersion: apps/v1\nkind: Deployment\n${meta}spec:\n  replicas: 0\n`,
        `  selector:\n    matchLabels:\n      app: ${name}\n`,
        `  template:\n    metadata:\n      labels:\n        app: ${name}\n`,
        `    spec:\n      containers:\n      - name: app\n        image: example.invalid/app:1\n`,
        `        ports:\n        - containerPort: 8080\n          protocol: TCP\n`,
      ].join('');
    case 4:
      return `apiVersion: v1\nkind: ServiceAccount\n${meta}`;
    case 5:
      return `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n${meta}rules:\n- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get]\n`;
    default:
      return [
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n${meta}`,
        `roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: obj-5\n`,
        `subjects:\n- kind: ServiceAccount\n  name: obj-4\n  namespace: ${ns}\n`,
      ].join('');
  }
}

/**
 * The repository's files: `deploy/bench-<n>.yaml` → its Namespace and 50 objects (by default 20 files;
 * the recovery benchmark asks for 10 × 50).
 */
export function benchManifests(
  namespaces = NAMESPACES,
  perNamespace = PER_NAMESPACE,
): Record<string, string> {
  const files: Record<string, string> = {};
  for (let n = 0; n < namespaces; n++) {
    const ns = benchNamespace(n);
    const docs = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`];
    for (let i = 0; i < perNamespace; i++) docs.push(object(ns, i));
    files[`${MANIFEST_PATH}/${ns}.yaml`] = docs.join('---\n');
  }
  return files;
}

/** The ConfigMap edited in drift trial `trial`: a different object each time (8 per namespace × 20). */
export function driftTarget(trial: number): { namespace: string; name: string; gitValue: string } {
  const configMaps = Math.ceil(PER_NAMESPACE / 7);
  const i = 7 * (Math.floor(trial / NAMESPACES) % configMaps);
  return {
    namespace: benchNamespace(trial % NAMESPACES),
    name: `obj-${String(i)}`,
    gitValue: configMapValue(i),
  };
}
