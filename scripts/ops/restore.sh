#!/usr/bin/env bash
# Restores a backup folder written by scripts/ops/backup.sh: everything (the control database, then
# every tenant database of the manifest), or one tenant's database.
#
#   bash scripts/ops/restore.sh BACKUP_FOLDER --all --yes
#   bash scripts/ops/restore.sh BACKUP_FOLDER --tenant SLUG --yes
#   bash scripts/ops/restore.sh --from-s3 STAMP|latest (--all | --tenant SLUG) --yes
#   bash scripts/ops/restore.sh --list-remote
#
# --from-s3 downloads the offsite copy of scripts/ops/backup.sh (BACKUP_S3_* variables, see
# scripts/ops/lib/offsite.sh) into a temporary folder, checks every file against its SHA256SUMS, then
# restores from it; --list-remote lists the remote backups. A local folder with a SHA256SUMS is
# checked against it too.
#
# A database being restored is dropped first (its sessions ended), hence --yes. Stop control-api,
# app-api and the worker before restoring everything; one tenant can be restored while they run
# (its requests fail until it is back). Each tenant's role is created from the backup when the
# server lacks it, with the password verifier the backup holds, so the password sealed in the
# control database keeps working.
#
# Variables: CONTROL_DATABASE_URL (required: restored into with --all, read for the tenants'
# servers), BACKUP_ROLES_URL (optional superuser URL, as for backup.sh).
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source=scripts/ops/lib/offsite.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/offsite.sh"

usage() { fail "usage: bash scripts/ops/restore.sh (BACKUP_FOLDER | --from-s3 STAMP|latest) (--all | --tenant SLUG) --yes, or --list-remote"; }

if [[ "${1:-}" == --list-remote ]]; then
  offsite_enabled || fail "BACKUP_S3_BUCKET is not set: there is no remote copy to list"
  trap offsite_cleanup EXIT
  stamps=$(offsite_stamps) || fail "Cannot list $(offsite_root)/ (see above)"
  while IFS= read -r stamp; do
    [[ -n "$stamp" ]] || continue
    if offsite_complete "$stamp"; then printf '%s\tcomplete\n' "$stamp"; else printf '%s\tincomplete\n' "$stamp"; fi
  done <<<"$stamps"
  exit 0
fi

[[ $# -ge 2 ]] || usage
remote=''
if [[ "$1" == --from-s3 ]]; then
  [[ $# -ge 3 ]] || usage
  remote=$2
  shift 2
else
  folder=${1%/}
  shift
fi
mode='' slug='' confirmed=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --all) mode=all ;;
    --tenant)
      [[ $# -ge 2 ]] || usage
      mode=tenant slug=$2
      shift
      ;;
    --yes) confirmed=1 ;;
    *) usage ;;
  esac
  shift
done
[[ -n "$mode" ]] || usage
: "${CONTROL_DATABASE_URL:?CONTROL_DATABASE_URL is not set}"
((confirmed == 1)) || fail "Restoring drops the databases it restores: add --yes to confirm"
if [[ -n "$remote" ]]; then
  offsite_enabled || fail "--from-s3 needs BACKUP_S3_BUCKET (and the other BACKUP_S3_* variables of the backup)"
  umask 077
  download_dir=$(mktemp -d)
  trap 'rm -rf "$download_dir"; offsite_cleanup' EXIT
  folder=$(offsite_download "$remote" "$download_dir") || exit 1
elif [[ -f "$folder/SHA256SUMS" ]]; then
  verify_checksums "$folder"
fi
[[ -f "$folder/manifest.tsv" && -f "$folder/control.dump" ]] || fail "$folder is not a backup folder of scripts/ops/backup.sh (no manifest.tsv or control.dump)"
for tool in pg_restore psql gzip; do have "$tool" || fail "$tool is not installed (apt-get install postgresql-client)"; done


# URL with its database name replaced (keeps credentials and query parameters).
with_database() {
  local url=$1 database=$2
  [[ "$url" =~ ^(postgres(ql)?://[^/]*)(/[^?]*)?(\?.*)?$ ]] || fail "Not a PostgreSQL URL: ${url%%@*}@..."
  echo "${BASH_REMATCH[1]}/$database${BASH_REMATCH[4]}"
}

database_of() {
  local path=${1#*://}
  path=${path#*/}
  echo "${path%%\?*}"
}


# Drops DATABASE on the server of ADMIN_URL, ending its sessions first (PgBouncer's included).
drop_database() {
  local admin_url=$1 database=$2
  sql "$(with_database "$admin_url" postgres)" -v name="$database" <<'SQL'
SET client_min_messages = warning;
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'name') \gexec
SQL
}

# Creates ROLE on the server when missing, with the password verifier of the backup's roles file.
ensure_role() {
  local admin_url=$1 role=$2 server=$3 file="$folder/roles-$3.sql.gz" verifier=''
  if [[ -n "$(sql "$(with_database "$admin_url" postgres)" -v role="$role" <<<"SELECT 1 FROM pg_roles WHERE rolname = :'role'")" ]]; then
    return 0
  fi
  [[ -f "$file" ]] || fail "Role $role is missing on server $server and the backup has no roles-$server.sql.gz"
  verifier=$(gzip -dc "$file" | grep -E "^ALTER ROLE \"?$role\"? WITH " | grep -oE "PASSWORD '[^']+'" | head -1 | sed -E "s/^PASSWORD '(.*)'$/\1/" || true)
  if [[ -z "$verifier" ]]; then
    warn "The backup has no password for role $role: it is created without one, and tenant logins through PgBouncer fail until it gets its password again"
  fi
  log "Creating role $role on server $server"
  sql "$(with_database "$admin_url" postgres)" -v role="$role" -v verifier="$verifier" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'role', :'verifier') WHERE :'verifier' <> '' \gexec
SQL
}

# Restores one tenant of the manifest: role, then the database with its own privileges (CONNECT
# for the tenant role and pgbouncer_auth only), as pg_dump recorded them.
restore_tenant() {
  local tenant=$1 row database role server admin_url roles_url
  row=$(awk -F '\t' -v slug="$tenant" 'NR > 1 && $1 == slug { print; exit }' "$folder/manifest.tsv")
  [[ -n "$row" ]] || fail "Tenant $tenant is not in $folder/manifest.tsv"
  IFS=$'\t' read -r _ database role server <<<"$row"
  [[ -f "$folder/tenants/$database.dump" ]] || fail "$folder/tenants/$database.dump is missing"
  admin_url=$(sql "$CONTROL_DATABASE_URL" -v name="$server" <<<"SELECT admin_url FROM database_servers WHERE name = :'name'")
  [[ -n "$admin_url" ]] || fail "Database server $server (of tenant $tenant) is not registered in the control database"

  roles_url=$admin_url
  if [[ -n "${BACKUP_ROLES_URL:-}" && "$(server_address "$BACKUP_ROLES_URL")" == "$(server_address "$admin_url")" ]]; then
    roles_url=$BACKUP_ROLES_URL
  fi
  ensure_role "$roles_url" "$role" "$server"

  log "Restoring tenant $tenant ($database on $server)"
  drop_database "$admin_url" "$database"
  pg_restore --create --exit-on-error --no-password --dbname="$(with_database "$admin_url" postgres)" "$folder/tenants/$database.dump" ||
    fail "pg_restore of tenant $tenant ($database) failed"
}

restore_control() {
  local database
  database=$(database_of "$CONTROL_DATABASE_URL")
  [[ -n "$database" ]] || fail "CONTROL_DATABASE_URL names no database"
  log "Restoring the control database $database"
  drop_database "$CONTROL_DATABASE_URL" "$database"
  sql "$(with_database "$CONTROL_DATABASE_URL" postgres)" -v name="$database" <<'SQL'
SELECT format('CREATE DATABASE %I', :'name') \gexec
SQL
  pg_restore --exit-on-error --no-password --dbname="$CONTROL_DATABASE_URL" "$folder/control.dump" ||
    fail "pg_restore of the control database failed"
}

started=$(date +%s)
if [[ "$mode" == all ]]; then
  restore_control
  count=0
  while IFS=$'\t' read -r -u 3 tenant _; do
    restore_tenant "$tenant"
    count=$((count + 1))
  done 3< <(tail -n +2 "$folder/manifest.tsv")
  log "Restored the control database and $count tenant database(s) from $folder in $(elapsed_since "$started")"
else
  restore_tenant "$slug"
  log "Restored tenant $slug from $folder in $(elapsed_since "$started")"
fi
