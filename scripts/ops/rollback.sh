#!/usr/bin/env bash
# Returns to an earlier version deployed by scripts/ops/deploy.sh.
#
#   bash scripts/ops/rollback.sh       the version deployed before the current one (.deploy/previous-tag)
#   bash scripts/ops/rollback.sh TAG   a given version
#
# Migrations only go forward: the earlier version's migrate job runs against the control database
# and every tenant database (applying anything that version has and a database lacks, e.g. a
# tenant restored or provisioned meanwhile), and the newer migrations stay applied, so a version
# is only rolled back to when its code works with the newer schema (expand, then contract, over
# two releases). When it does not, restore the backup deploy.sh took before migrating
# (scripts/ops/restore.sh BACKUP --all --yes, with the applications stopped), then roll back.
# Fails fast, as deploy.sh does, and checks health and readiness before recording the tag.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source=scripts/ops/lib/compose-deploy.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/compose-deploy.sh"

[[ $# -le 1 ]] || fail "usage: bash scripts/ops/rollback.sh [TAG]"
started=$(date +%s)
cd "$REPO_ROOT"
current=$(read_tag current-tag || true)
target=${1:-$(read_tag previous-tag || true)}
[[ -n "$target" ]] || fail "No earlier version is recorded in ${DEPLOY_STATE_DIR#"$REPO_ROOT"/}/previous-tag: name one (bash scripts/ops/rollback.sh TAG)"
[[ "$target" != "$current" ]] || fail "$target is the version running now"
preflight
export IMAGE_TAG=$target

log "Rolling back from ${current:-an unknown version} to $target"
fetch_images
start_infrastructure
run_migrations
start_applications
verify_deployment

if [[ -n "$current" ]]; then record_tag "$current" previous-tag; fi
record_tag "$target" current-tag
log "Rolled back to $target in $(elapsed_since "$started")"
