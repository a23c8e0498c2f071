#!/usr/bin/env bash
# Builds kube-apiserver and kube-controller-manager (Kubernetes 1.20) from Debian's `kubernetes`
# source package with Debian's Go, and caches the two binaries outside the clone.
#
#   KUBE_BUILD_CACHE   cache directory (default /var/cache/kube-build); binaries land in $KUBE_BUILD_CACHE/bin
#   KUBE_DEB_VERSION   pin the Debian source version (default: whatever apt-get source picks)
#
# Safe to call concurrently: a flock makes parallel callers wait for one build. A marker file
# (bin/.built-from) records the recipe; a changed recipe forces a rebuild. Prints the bin dir on success.
set -euo pipefail

RECIPE="debian-kubernetes-1.20;make;reflect2-1.0.2;v1"
CACHE="${KUBE_BUILD_CACHE:-/var/cache/kube-build}"
BIN="$CACHE/bin"
MARKER="$BIN/.built-from"

have_build() {
  [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/kube-controller-manager" ] &&
    [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$RECIPE" ]
}

if have_build; then echo "$BIN"; exit 0; fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
if have_build; then echo "$BIN"; exit 0; fi

log() { echo "[build-kube] $*" >&2; }

need_pkgs=()
for p in golang-go etcd-server make rsync ca-certificates openssl curl golang-github-modern-go-reflect2-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_pkgs+=("$p")
done
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  log "enabling deb-src entries"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >/etc/apt/sources.list.d/debian-src.sources
  else
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >/etc/apt/sources.list.d/debian-src.list
  fi
  need_update=1
fi
if [ "${#need_pkgs[@]}" -gt 0 ] || [ -n "${need_update:-}" ]; then
  log "apt-get install ${need_pkgs[*]:-(none)}"
  apt-get update -qq >&2
  [ "${#need_pkgs[@]}" -gt 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2
fi

WORK="$CACHE/work"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"
log "downloading Debian's kubernetes source package"
if [ -n "${KUBE_DEB_VERSION:-}" ]; then
  apt-get source --download-only "kubernetes=$KUBE_DEB_VERSION" >&2
else
  apt-get source --download-only kubernetes >&2
fi
tar xzf kubernetes_*.orig.tar.gz
cd kubernetes-1.20.*

# Fix (b): vendored reflect2 v1.0.1 SIGSEGVs at run time under Go >= 1.18; v1.0.2 has the same API.
R=/usr/share/gocode/src/github.com/modern-go/reflect2
V=vendor/github.com/modern-go/reflect2
rm -f "$V"/*.go "$V"/*.s
cp "$R"/*.go "$V"/
cp "$R"/*.s "$V"/ 2>/dev/null || true

# Fix (a): the upstream make build (GOPATH mode, generators), not `go build -mod=vendor`.
log "make (about 5 minutes on 2 cores)"
env -u GOFLAGS -u GO111MODULE -u GOPATH GOPROXY=off \
  make WHAT="cmd/kube-apiserver cmd/kube-controller-manager" >&2

mkdir -p "$BIN"
cp _output/local/bin/linux/*/kube-apiserver _output/local/bin/linux/*/kube-controller-manager "$BIN/"
"$BIN/kube-apiserver" --version >&2
echo "$RECIPE" >"$MARKER"
cd /
rm -rf "$WORK"
log "cached in $BIN"
echo "$BIN"
