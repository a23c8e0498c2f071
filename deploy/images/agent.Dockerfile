# syntax=docker/dockerfile:1
# The Ferry agent's image (ghcr.io/ferry-dev/ferry-agent), built from the workspace root:
#
#   docker build -f deploy/images/agent.Dockerfile -t ghcr.io/ferry-dev/ferry-agent:0.1.0 .
#
# Stage `build` installs the workspace's lockfile for @ferry/shared and @ferry/agent (the only packages
# it copies), compiles both, and `pnpm deploy`s the agent with its production dependencies into /out, a
# self-contained folder (@ferry/shared copied in, not linked). The agent has no native addon; both
# stages still use one Node.js major and one Debian release (NODE_VERSION, DEBIAN_RELEASE), as the hub's
# image must. The runtime stage has /out as /app, run as 65532:65532 with a read-only root filesystem in
# mind (the Deployment mounts emptyDirs at /var/cache/ferry and /tmp); `ferry-agent` is on PATH.
# agent.Dockerfile.dockerignore keeps node_modules and dist of the build context out. No CI builds this
# image yet; test/images checks it statically and builds and starts its bundle as this file does.
ARG NODE_VERSION=20
ARG DEBIAN_RELEASE=bookworm

FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS build
ENV CI=true
RUN npm install --global pnpm@12.4.2
WORKDIR /src
# The manifests first, so that the dependency layer is rebuilt only when they change. pnpm installs the
# projects it finds (shared, agent) from the whole workspace's lockfile.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json ./
COPY shared/package.json shared/
COPY agent/package.json agent/
RUN pnpm install --frozen-lockfile
COPY shared/ shared/
COPY agent/ agent/
RUN pnpm --filter "@ferry/agent..." build \
 && pnpm --filter @ferry/agent --prod deploy /out \
 && rm -rf /out/src /out/tsconfig.json /out/tsconfig.build.json /out/node_modules/@ferry/shared/src \
 && chmod 0755 /out/dist/main.js

FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim
ENV NODE_ENV=production \
    HOME=/tmp \
    FERRY_CACHE_DIR=/var/cache/ferry \
    FERRY_PORT=8080
# The Git cache, writable by the agent's user when no volume is mounted there (docker run), and
# `ferry-agent` on PATH (kubectl exec ... ferry-agent render --help).
RUN mkdir -p /var/cache/ferry \
 && chown 65532:65532 /var/cache/ferry \
 && ln -s /app/dist/main.js /usr/local/bin/ferry-agent
WORKDIR /app
COPY --from=build /out/ /app/
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "/app/dist/main.js"]
CMD ["run"]
