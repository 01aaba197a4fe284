# syntax=docker/dockerfile:1.7
# Helpdeskly images. One build stage, then a target per process:
#
#   docker build --target control-api -t helpdeskly/control-api .
#   docker build --target app-api     -t helpdeskly/app-api .
#   docker build --target worker      -t helpdeskly/worker .
#   docker build --target migrate     -t helpdeskly/migrate .   (one-shot: control + every tenant DB)
#
# The build stage runs scripts/ops/build-release.sh, which machines without a Docker engine run as
# well (the test suite does), so what is checked there is what is built here.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
# pm_on_fail: pnpm cannot record the packageManager pin where its platform binaries are not
# published (scripts/lib/common.sh); harmless where they are.
ENV PNPM_HOME=/pnpm \
    PATH=/pnpm:$PATH \
    pnpm_config_pm_on_fail=ignore \
    CI=true
RUN npm install --global --no-fund --no-audit pnpm@12.21.0
WORKDIR /app

# ---------------------------------------------------------------------------------------------
# Dependencies are fetched from the lockfile alone, so this layer survives source changes.
FROM base AS build
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm config set store-dir /pnpm/store && pnpm fetch --frozen-lockfile
COPY . .
# Install (Prisma clients generated offline by postinstall), build both APIs and the worker,
# assemble /release with production dependencies only.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    bash scripts/ops/build-release.sh --in-place /release

# ---------------------------------------------------------------------------------------------
# The one-shot migration job: our migration tool runs from TypeScript (scripts/migrate.ts) on the
# WebAssembly schema engine, so it keeps the build stage's full dependencies and prisma/.
FROM build AS migrate
ENV NODE_ENV=production HOME=/tmp
USER node
CMD ["sh", "-c", "node -r @swc-node/register scripts/migrate.ts deploy && node -r @swc-node/register scripts/migrate.ts tenants"]

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    LOG_FORMAT=json
WORKDIR /app
# Owned by root and read-only to the process: the service cannot rewrite its own code.
COPY --from=build /release /app
# STORAGE_LOCAL_DIR of the production compose file: a volume the process writes files to (an empty
# named volume takes this directory's owner).
RUN mkdir -p /var/lib/helpdeskly/files && chown node:node /var/lib/helpdeskly/files
USER node
STOPSIGNAL SIGTERM

FROM runtime AS worker
ENV WORKER_PORT=6502 RUN_WORKERS=false
EXPOSE 6502
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.WORKER_PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/worker/apps/worker/src/main.js"]

FROM runtime AS app-api
ENV APP_PORT=6501
EXPOSE 6501
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.APP_PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/app-api/apps/app-api/src/main.js"]

# Last, so a plain `docker build .` builds control-api.
FROM runtime AS control-api
ENV CONTROL_PORT=6500
EXPOSE 6500
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.CONTROL_PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/control-api/apps/control-api/src/main.js"]
