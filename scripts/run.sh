#!/usr/bin/env bash
# The main job on a local default: a real local cluster (Kubernetes 1.20), the local Git server with an
# example repo (examples/hello), and the Ferry agent, installed with kubectl apply -k deploy/agent,
# syncing that repo path into the cluster.
# Stop everything with: pnpm harness down --dir .harness
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pnpm -r build >/dev/null
pnpm harness down --dir .harness --purge >/dev/null 2>&1 || true
pnpm harness up --clusters 1 --dir .harness
url=$(node --import tsx scripts/example-repo.ts .harness)
echo
echo "Example repo: $url (path clusters/local)"
echo "Installing the agent into cluster c1 (kubectl apply -k deploy/agent) and running it:"
node --import tsx scripts/run-agent.ts .harness "$url"
cat <<MSG

What the agent keeps in the cluster (no hub needed):
  kubectl --kubeconfig .harness/clusters/c1/kubeconfig -n ferry-system get gitsyncs
  kubectl --kubeconfig .harness/clusters/c1/kubeconfig -n ferry-system describe gitsync ferry
  kubectl --kubeconfig .harness/clusters/c1/kubeconfig get all,configmaps -n hello --show-labels
Start the agent again (it follows the repo every 30 s, heals drift within seconds):
  node --import tsx scripts/run-agent.ts .harness $url

Not built yet: the hub with its web page and CLI (issues 6-7), and installing from the hub (issue 8).
Stop everything with: pnpm harness down --dir .harness
MSG
