#!/usr/bin/env bash
# The quick start: Ferry on this machine, the whole system. A real local cluster (kube-apiserver 1.20 and
# etcd; a SIMULATED kubelet makes its Pods ready), a local Git server with the example repo
# (examples/hello), the hub, and an agent enrolled through the hub's install manifest. Prints the hub's
# URL, its admin token and three things to try; Ctrl-C stops everything it started.
#
#   bash scripts/run.sh                       as root on Debian with Node.js 20+ (setup installs the rest)
#   bash scripts/run.sh --kubeconfig FILE     use that cluster instead (the agent runs on this machine)
#   bash scripts/run.sh --help                the options (scripts/quickstart/options.ts)
#
# docs/getting-started.md walks through it.
set -euo pipefail
cd "$(dirname "$0")/.."
for arg in "$@"; do
  if { [ "$arg" = -h ] || [ "$arg" = --help ]; } && [ -d node_modules/tsx ]; then
    exec node --import tsx --conditions=@ferry/source scripts/quickstart/main.ts --help
  fi
done
bash scripts/setup.sh
echo "[quickstart] building (pnpm -r build) ..."
pnpm -r build >/dev/null
exec node --import tsx --conditions=@ferry/source scripts/quickstart/main.ts "$@"
