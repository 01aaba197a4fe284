#!/usr/bin/env bash
# Backs up the control database and every tenant database (ACTIVE or SUSPENDED), compressed, into
# one timestamped folder, then deletes folders older than the retention.
#
#   CONTROL_DATABASE_URL=postgresql://... bash scripts/ops/backup.sh
#   docker compose -p helpdeskly --env-file .env.production -f deploy/compose/docker-compose.prod.yml \
#     --profile tools run --rm backup
#
# Variables:
#   CONTROL_DATABASE_URL   required; the tenants and their servers are read from it
#   BACKUP_DIR             where backup folders go (default: ./backups)
#   BACKUP_RETENTION_DAYS  folders older than this are deleted after a successful backup (default 14)
#   BACKUP_ROLES_URL       optional superuser URL of a database server: its roles are dumped with
#                          their password verifiers through it (else through each server's
#                          admin URL, without passwords when that role may not read them)
#   BACKUP_S3_BUCKET ...   offsite copy on S3-compatible storage after each backup, and its own
#                          retention: see scripts/ops/lib/offsite.sh for the variables
#
# Layout: BACKUP_DIR/<UTC timestamp>/ control.dump, tenants/<database>.dump (pg_dump custom
# format, compressed), roles-<server>.sql.gz, manifest.tsv (slug, database, role, server),
# SHA256SUMS. scripts/ops/restore.sh reads it. Needs pg_dump, pg_dumpall and psql of PostgreSQL 15 or
# later, and the AWS CLI for the offsite copy. An offsite copy that fails exits 1 (the local backup
# stays, and no retention runs, local or remote).
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source=scripts/ops/lib/offsite.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/offsite.sh"

: "${CONTROL_DATABASE_URL:?CONTROL_DATABASE_URL is not set}"
backup_root=${BACKUP_DIR:-./backups}
retention_days=${BACKUP_RETENTION_DAYS:-14}
[[ "$retention_days" =~ ^[0-9]+$ ]] || fail "BACKUP_RETENTION_DAYS must be a number of days, got '$retention_days'"
for tool in pg_dump pg_dumpall psql gzip; do have "$tool" || fail "$tool is not installed (apt-get install postgresql-client)"; done
if offsite_enabled; then have aws || fail "BACKUP_S3_BUCKET is set but the AWS CLI is not installed (apt-get install awscli)"; fi



started=$(date +%s)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$backup_root/$stamp"
# Dumps hold every tenant's data and the roles' password verifiers: owner-only.
umask 077
[[ ! -e "$target" ]] || fail "$target already exists"
mkdir -p "$target/tenants"
# A backup that fails half-way must not look complete: the folder is removed.
complete=0
trap '((complete == 1)) || rm -rf "$target"; offsite_cleanup' EXIT
chmod 700 "$target"

sql "$CONTROL_DATABASE_URL" -c 'SELECT 1' >/dev/null || fail "Cannot connect to the control database (CONTROL_DATABASE_URL)"

log "Backing up the control database"
pg_dump --format=custom --compress=6 --no-password --file="$target/control.dump" --dbname="$CONTROL_DATABASE_URL"

# Each live tenant with its database's direct URL: its server's admin URL with the database
# name swapped in. Tab-separated: slug, database, role, server, URL. A control database never
# migrated yet (the first deployment) has no tenants.
tenants='' servers=''
if [[ "$(sql "$CONTROL_DATABASE_URL" <<<"SELECT to_regclass('public.tenants') IS NOT NULL AND to_regclass('public.database_servers') IS NOT NULL")" == t ]]; then
  tenants=$(sql -F $'\t' "$CONTROL_DATABASE_URL" -c "
    SELECT t.slug, t.database_name, t.database_role, s.name,
           regexp_replace(s.admin_url, '^(postgres(ql)?://[^/]*)/[^?]*', '\\1/' || t.database_name)
      FROM tenants t JOIN database_servers s ON s.id = t.database_server_id
     WHERE t.status IN ('ACTIVE', 'SUSPENDED')
     ORDER BY t.slug")
  servers=$(sql -F $'\t' "$CONTROL_DATABASE_URL" -c "
    SELECT DISTINCT s.name, s.admin_url
      FROM tenants t JOIN database_servers s ON s.id = t.database_server_id
     WHERE t.status IN ('ACTIVE', 'SUSPENDED')")
else
  warn "The control database has no tenants table yet (never migrated): only it is backed up"
fi

printf 'slug\tdatabase\trole\tserver\n' >"$target/manifest.tsv"
count=0
while IFS=$'\t' read -r slug database role server url; do
  [[ -n "$slug" ]] || continue
  log "Backing up tenant $slug ($database on $server)"
  pg_dump --format=custom --compress=6 --no-password --file="$target/tenants/$database.dump" --dbname="$url" ||
    fail "pg_dump of tenant $slug ($database) failed"
  printf '%s\t%s\t%s\t%s\n' "$slug" "$database" "$role" "$server" >>"$target/manifest.tsv"
  count=$((count + 1))
done <<<"$tenants"

# The tenant roles: a restore onto a new server needs them, with their passwords (app-api logs in
# as each tenant's role with the password sealed in the control database).
while IFS=$'\t' read -r server admin_url; do
  [[ -n "$server" ]] || continue
  roles_url=$admin_url
  if [[ -n "${BACKUP_ROLES_URL:-}" && "$(server_address "$BACKUP_ROLES_URL")" == "$(server_address "$admin_url")" ]]; then
    roles_url=$BACKUP_ROLES_URL
  fi
  if pg_dumpall --roles-only --no-password --dbname="$roles_url" 2>/dev/null | gzip -9 >"$target/roles-$server.sql.gz" &&
    [[ "$(gzip -dc "$target/roles-$server.sql.gz" | head -c 1 | wc -c)" -eq 1 ]]; then
    log "Backed up the roles of server $server"
  else
    warn "The roles of server $server were dumped without passwords (its admin role cannot read them; set BACKUP_ROLES_URL to a superuser URL of that server)"
    pg_dumpall --roles-only --no-role-passwords --no-password --dbname="$roles_url" | gzip -9 >"$target/roles-$server.sql.gz"
  fi
done <<<"$servers"

write_checksums "$target"
# shellcheck disable=SC2034 # read by the EXIT trap
complete=1
log "Backup complete in $(elapsed_since "$started"): $target (control + $count tenant database(s))"

if offsite_enabled; then
  if ! offsite_upload "$target"; then
    echo "$target"
    fail "The upload of $target to $(offsite_root)/ failed (see above): the local backup is kept, and no backup was deleted"
  fi
  log "Offsite copy complete: $(offsite_root)/$stamp/"
  offsite_prune "$stamp"
fi

if ((retention_days > 0)); then
  while IFS= read -r old; do
    log "Deleting backup $old (older than $retention_days days)"
    rm -rf "$old"
  done < <(find "$backup_root" -mindepth 1 -maxdepth 1 -type d -name '20*T*Z' -mtime "+$((retention_days - 1))" ! -path "$target")
fi
echo "$target"
