#!/usr/bin/env bash
# Installs what Ferry's build and tests need on a Debian machine with Node.js 20+, as root:
# Debian packages, kubectl (Debian's kubernetes-client if none is on PATH), the pinned pnpm, the
# workspace's dependencies, and the Kubernetes 1.20 build (cached in /var/cache/kube-build).
# Idempotent: a second run installs nothing and takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[setup] $*" >&2; }

if [ "$(id -u)" != 0 ]; then
  echo "setup: run as root (it installs Debian packages and caches the Kubernetes build in /var/cache)" >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20 or later is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# Debian packages (build-kube.sh adds its own: golang-go, etcd-server, rsync, reflect2 sources).
missing=()
for p in git openssl curl ca-certificates util-linux make g++ python3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
command -v kubectl >/dev/null || missing+=(kubernetes-client)
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# pnpm, pinned by the packageManager field.
want_pnpm=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if [ "$(pnpm --version 2>/dev/null || true)" != "$want_pnpm" ]; then
  log "npm install -g pnpm@$want_pnpm"
  npm install -g --silent "pnpm@$want_pnpm" >/dev/null
fi

# better-sqlite3 builds its addon with node-gyp; point it at Node's own headers (no download).
for d in /usr /usr/local; do
  if [ -f "$d/include/node/node.h" ]; then export npm_config_nodedir="$d"; break; fi
done
log "pnpm install"
CI=true pnpm install --frozen-lockfile >&2

log "Kubernetes build (cold: about 5 minutes; cached afterwards)"
bash test/harness/scripts/build-kube.sh >/dev/null
