#!/usr/bin/env bash
# Deploys a version with deploy/compose/docker-compose.prod.yml on this host, or stops saying why.
#
#   bash scripts/ops/deploy.sh TAG                    e.g. 1.4.0 (images IMAGE_REGISTRY/*:TAG)
#   DEPLOY_BUILD=1 bash scripts/ops/deploy.sh local   build the images here instead of pulling them
#
# Steps, each fatal on failure: check .env.production (every secret set, long enough, not a
# placeholder) and the TLS certificates; pull (or build) the images; start PostgreSQL, PgBouncer
# and both Redis servers and wait until healthy; back up every database (scripts/ops/backup.sh;
# DEPLOY_SKIP_BACKUP=1 skips it); migrate the control database and every tenant database; replace
# control-api, app-api and the worker (and nginx) and wait until healthy and ready. Until the
# migrations succeed the running version is untouched. The tag deployed before is kept in
# .deploy/previous-tag for scripts/ops/rollback.sh.
#
# Variables: ENV_FILE (.env.production), DEPLOY_PROFILES ("proxy"; empty without nginx),
# HEALTH_TIMEOUT_SECONDS (180), IMAGE_REGISTRY (from the env file), COMPOSE_PROJECT_NAME (helpdeskly).
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source=scripts/ops/lib/compose-deploy.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/compose-deploy.sh"

[[ $# -eq 1 && -n "$1" ]] || fail "usage: bash scripts/ops/deploy.sh TAG"
started=$(date +%s)
cd "$REPO_ROOT"
preflight
export IMAGE_TAG=$1
previous=$(read_tag current-tag || true)

fetch_images
start_infrastructure
if [[ "${DEPLOY_SKIP_BACKUP:-0}" != 1 ]]; then
  log "Backing up every database before migrating (DEPLOY_SKIP_BACKUP=1 skips this)"
  prod_compose --profile tools run --rm --no-deps backup || fail "The backup before the deployment failed; nothing was changed"
fi
run_migrations
start_applications
verify_deployment

if [[ -n "$previous" && "$previous" != "$IMAGE_TAG" ]]; then record_tag "$previous" previous-tag; fi
record_tag "$IMAGE_TAG" current-tag
log "Deployed $IMAGE_TAG in $(elapsed_since "$started")${previous:+ (was $previous; scripts/ops/rollback.sh returns to it)}"
