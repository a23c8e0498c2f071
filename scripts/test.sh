#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine with Node.js 20+ (as root): installs what it needs,
# builds, typechecks, lints, then runs unit and end-to-end tests against real clusters and a real Git server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "[test] build, typecheck, lint" >&2
pnpm -r build
pnpm typecheck
pnpm lint
echo "[test] tests" >&2
pnpm test "$@"
