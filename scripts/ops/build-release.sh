#!/usr/bin/env bash
# The release build: what the Dockerfile's build stage runs, runnable on machines without a Docker
# engine, so the image's build can be checked anywhere (scripts/ops/release-build.int-spec.ts).
#
#   bash scripts/ops/build-release.sh OUT_DIR             build a copy of this checkout into OUT_DIR
#   bash scripts/ops/build-release.sh --in-place OUT_DIR  build in the current directory (Dockerfile)
#
# Steps, in the build directory: install the locked dependencies, generate both Prisma clients
# offline (postinstall), compile both APIs and the worker (`pnpm run build`), then assemble OUT_DIR:
# dist/, prisma/ (control-api migrates the tenant template at run time), the package manifests and
# production dependencies only. Start an API from OUT_DIR with
#   NODE_ENV=production node dist/apps/control-api/apps/control-api/src/main.js
#
# Without --in-place the build runs in a temporary copy of the files the Docker build context
# holds (.dockerignore), so the checkout's own node_modules and dist/ are left alone.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

usage() { fail "usage: bash scripts/ops/build-release.sh [--in-place] OUT_DIR"; }

in_place=0
if [[ "${1:-}" == "--in-place" ]]; then
  in_place=1
  shift
fi
[[ $# -eq 1 && -n "$1" ]] || usage
out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)
[[ -z "$(ls -A "$out")" ]] || fail "$out is not empty: the release is assembled into an empty directory"

started=$(date +%s)
build_dir=$PWD
stage=''
cleanup() { if [[ -n "$stage" ]]; then rm -rf "$stage"; fi; }
trap cleanup EXIT

# Copies the Docker build context (the repository less .dockerignore's entries) into a new
# directory. Every .dockerignore entry is a plain name or glob, which tar matches the same way.
stage_build_context() {
  local excludes
  stage=$(mktemp -d "${TMPDIR:-/tmp}/helpdeskly-build.XXXXXX")
  excludes="$stage.excludes"
  grep -vE '^[[:space:]]*(#|$)' "$REPO_ROOT/.dockerignore" >"$excludes" ||
    fail ".dockerignore is missing or empty"
  log "Copying the build context into $stage"
  tar -C "$REPO_ROOT" --exclude-from="$excludes" -cf - . | tar -C "$stage" -xf -
  rm -f "$excludes"
  build_dir=$stage
}

if ((in_place == 0)); then stage_build_context; fi
cd "$build_dir"
[[ -f package.json && -f pnpm-lock.yaml ]] || fail "$build_dir has no package.json and pnpm-lock.yaml"

log "Installing the locked dependencies (postinstall generates the Prisma clients offline)"
run_pnpm install --frozen-lockfile --prefer-offline ||
  fail "pnpm install failed: is pnpm-lock.yaml up to date (npx -y pnpm@${PNPM_VERSION} install)?"
[[ -d libs/database/src/generated/control && -d libs/database/src/generated/tenant ]] ||
  fail "The Prisma clients were not generated (pnpm run prisma:generate)"

log "Compiling both APIs and the worker (pnpm run build)"
run_pnpm run build || fail "pnpm run build failed"
for entry in dist/apps/control-api/apps/control-api/src/main.js dist/apps/app-api/apps/app-api/src/main.js \
  dist/apps/worker/apps/worker/src/main.js dist/apps/control-api/apps/control-api/src/auth/common-passwords.txt; do
  [[ -f "$entry" ]] || fail "The build did not produce $entry"
done

log "Assembling the release in $out"
cp -R dist prisma package.json pnpm-lock.yaml pnpm-workspace.yaml "$out/"
# Test files compiled along with their libraries are never run from a release.
find "$out/dist" -regextype posix-extended -regex '.*\.(spec|int-spec|e2e-spec|load-spec|fault-spec|fixture)\.js(\.map)?$' -delete

log "Installing production dependencies only"
# No scripts: postinstall runs the Prisma CLI, a development dependency; the clients are compiled in dist/.
(cd "$out" && run_pnpm install --prod --frozen-lockfile --prefer-offline --ignore-scripts) ||
  fail "pnpm install --prod failed in $out"

log "Release built in $(elapsed_since "$started"): $out"
