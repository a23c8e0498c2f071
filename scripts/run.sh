#!/usr/bin/env bash
# The main job on a local default: a real local cluster, the Git server, an example repo, and (once
# they are built) the hub and an agent. Stop everything with: pnpm harness down --dir .harness
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pnpm harness down --dir .harness >/dev/null 2>&1 || true
pnpm harness up --clusters 1 --dir .harness
cat <<'MSG'

What runs now: one real Kubernetes 1.20 cluster (c1) and the Git server, recorded in .harness/state.json.
  kubectl --kubeconfig .harness/clusters/c1/kubeconfig get namespaces

Not built yet: the Ferry agent (issues 3-5), the hub (issues 6-7) and the quick start that ties them
together with an example repo (issue 8). Until then this command starts the cluster and Git server they will use.
Stop everything with: pnpm harness down --dir .harness
MSG
