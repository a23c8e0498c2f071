# syntax=docker/dockerfile:1
# The Ferry hub's image (ghcr.io/ferry-dev/ferry-hub): `ferry-hub` as its entrypoint and the `ferry` CLI
# on PATH. Built from the workspace root:
#
#   docker build -f deploy/images/hub.Dockerfile -t ghcr.io/ferry-dev/ferry-hub:0.1.0 .
#
# better-sqlite3 is a native addon: it must be built against the Node.js ABI and the glibc it runs on.
# So both stages use the same Node.js major and the same Debian release (NODE_VERSION, DEBIAN_RELEASE:
# change them together, never one stage alone). Stage `build` adds what node-gyp needs when no prebuilt
# binary fits (python3, make, g++) and Debian's kubectl (kubernetes-client, 1.20: its kustomize, v2.0.3,
# is the oldest the manifests are written for): `pnpm build` of the hub renders `kubectl kustomize
# deploy/agent` into dist/install/agent.yaml, the static install manifest the hub serves. kubectl is
# needed only here; the runtime image holds the rendered file and no kubectl. Then `pnpm deploy` puts the
# hub with its production dependencies only into /out (@ferry/shared copied in, not linked).
#
# The runtime stage runs as 65532:65532 with its database in the volume /var/lib/ferry-hub
# (FERRY_HUB_DATA); every other setting is a flag or a FERRY_HUB_* variable (`ferry-hub --help`).
# hub.Dockerfile.dockerignore keeps node_modules and dist of the build context out. No CI builds this
# image yet; test/images checks it statically and builds and starts its bundle as this file does.
ARG NODE_VERSION=20
ARG DEBIAN_RELEASE=bookworm

FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS build
ENV CI=true
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates python3 make g++ kubernetes-client \
 && rm -rf /var/lib/apt/lists/*
RUN npm install --global pnpm@12.4.2
WORKDIR /src
# The manifests first, so that the dependency layer is rebuilt only when they change. pnpm installs the
# projects it finds (shared, hub) from the whole workspace's lockfile; better-sqlite3 builds here.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json ./
COPY shared/package.json shared/
COPY hub/package.json hub/
RUN pnpm install --frozen-lockfile
COPY shared/ shared/
COPY hub/ hub/
COPY deploy/agent/ deploy/agent/
RUN pnpm --filter "@ferry/hub..." build \
 && pnpm --filter @ferry/hub --prod deploy /out \
 && rm -rf /out/src /out/scripts /out/tsconfig.json /out/tsconfig.build.json /out/node_modules/@ferry/shared/src \
 && chmod 0755 /out/dist/main.js /out/dist/cli/main.js \
 && test -s /out/dist/install/agent.yaml
# What better-sqlite3 left from compiling (objects, the static library, its sources); the addon stays.
RUN cd /out/node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3 \
 && rm -rf deps src build/Release/obj build/Release/obj.target build/Release/.deps \
      build/Release/sqlite3.a build/Release/test_extension.node \
 && test -f build/Release/better_sqlite3.node

FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim
# NODE_OPTIONS: hub/src/node-options.ts says why (a young generation sized for the ingest, one V8 helper
# thread).
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-semi-space-size=32 --v8-pool-size=1" \
    HOME=/tmp \
    FERRY_HUB_DATA=/var/lib/ferry-hub
# The database's folder, owned by the hub's user (a volume mounted there starts with this owner), and
# the two commands on PATH: `ferry-hub` (the entrypoint) and `ferry` (docker exec ... ferry status).
RUN mkdir -p /var/lib/ferry-hub \
 && chown 65532:65532 /var/lib/ferry-hub \
 && chmod 0700 /var/lib/ferry-hub \
 && ln -s /app/dist/main.js /usr/local/bin/ferry-hub \
 && ln -s /app/dist/cli/main.js /usr/local/bin/ferry
WORKDIR /app
COPY --from=build /out/ /app/
USER 65532:65532
VOLUME ["/var/lib/ferry-hub"]
# 8080 serves HTTP; with --tls-cert and --tls-key the default port is 8443.
EXPOSE 8080 8443
ENTRYPOINT ["node", "/app/dist/main.js"]
