#!/usr/bin/env bash
# The main job on a local default: a real local cluster (Kubernetes 1.20), the local Git server with an
# example repo (examples/hello), and Ferry syncing that repo path into the cluster.
# Stop everything with: pnpm harness down --dir .harness
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pnpm -r build >/dev/null
pnpm harness down --dir .harness --purge >/dev/null 2>&1 || true
pnpm harness up --clusters 1 --dir .harness
url=$(node --import tsx scripts/example-repo.ts .harness)
node -p 'require("./.harness/state.json").git.tokens[0]' > .harness/git-token
echo
echo "Example repo: $url (path clusters/local)"
echo "Syncing it into cluster c1 with ferry-agent sync --once:"
node agent/dist/main.js sync --once --repo "$url" --path clusters/local --target-namespace hello \
  --auth-token-file .harness/git-token --kubeconfig .harness/clusters/c1/kubeconfig --output table
cat <<'MSG'

Look at what Ferry applied:
  kubectl --kubeconfig .harness/clusters/c1/kubeconfig get all,configmaps -n hello --show-labels
Run the same sync again: everything is unchanged and nothing is written. Push a change to the repo (or
delete a file) and sync again to see it configured (or pruned).

Not built yet: the in-cluster agent that syncs continuously (issue 5), the hub with its web page and
CLI (issues 6-7), and installing from the hub (issue 8).
Stop everything with: pnpm harness down --dir .harness
MSG
