#!/bin/sh
# PgBouncer of docker-compose.prod.yml: renders this folder's templates the way scripts/infra.sh
# does for development, less the development-only passwordless superuser, then runs PgBouncer.
# Mounted read-only at /helpdeskly/pgbouncer; the image's shell is busybox sh.
set -eu

fail() {
  echo "pgbouncer: $*" >&2
  exit 78
}

for name in PGBOUNCER_AUTH_PASSWORD PGBOUNCER_STATS_PASSWORD PGBOUNCER_ADMIN_PASSWORD TENANT_GATEWAY_PASSWORD; do
  eval "value=\${$name:-}"
  # shellcheck disable=SC2154 # set by the eval above
  [ "${#value}" -ge 16 ] || fail "$name must be set to 16 or more characters"
  case "$value" in *'"'* | *' '*) fail "$name must not contain quotes or spaces" ;; esac
done

# The tenant backend budget: PgBouncer's cap on the gateway role's server connections.
budget=${TENANT_BACKEND_BUDGET:-}
case "$budget" in '' | *[!0-9]*) fail "TENANT_BACKEND_BUDGET must be set to a number of backends (max_connections - superuser_reserved_connections - TENANT_BACKEND_RESERVE)" ;; esac
[ "$budget" -ge 4 ] || fail "TENANT_BACKEND_BUDGET must be at least 4"

templates=${PGBOUNCER_TEMPLATES:-/helpdeskly/pgbouncer}
conf=${PGBOUNCER_CONF_DIR:-/tmp/pgbouncer}
umask 077
mkdir -p "$conf"

sed -e "s|@PG_HOST@|${POSTGRES_HOST:-postgres}|g" -e "s|@PG_PORT@|${POSTGRES_PORT:-5432}|g" \
  -e "s|@LISTEN_ADDR@|0.0.0.0|g" -e "s|@LISTEN_PORT@|${PGBOUNCER_PORT:-6432}|g" \
  -e "s|@LOGFILE@||g" -e "s|@PIDFILE@||g" \
  -e "s|@AUTH_FILE@|$conf/userlist.txt|g" -e "s|@HBA_FILE@|$conf/hba.conf|g" \
  -e "s|@TENANT_BACKEND_BUDGET@|$budget|g" \
  "$templates/pgbouncer.ini.template" >"$conf/pgbouncer.ini"

# Clients come from the compose network only (the port is not published). No superuser entry:
# production logs in to PostgreSQL with passwords, and auth_query never returns superusers.
sed -e "s|@TRUSTED_NET@|${PGBOUNCER_TRUSTED_NET:-0.0.0.0/0}|g" -e '/^host all postgres .*trust$/d' \
  "$templates/hba.conf.template" >"$conf/hba.conf"
grep -q 'trust$' "$conf/hba.conf" && fail "hba.conf would trust a role without a password"

# The gateway is an auth_file user, so max_user_connections caps it across every tenant database.
printf '"pgbouncer_auth" "%s"\n"helpdeskly_stats" "%s"\n"helpdeskly_admin" "%s"\n"helpdeskly_gateway" "%s"\n' \
  "$PGBOUNCER_AUTH_PASSWORD" "$PGBOUNCER_STATS_PASSWORD" "$PGBOUNCER_ADMIN_PASSWORD" "$TENANT_GATEWAY_PASSWORD" >"$conf/userlist.txt"

exec pgbouncer "$conf/pgbouncer.ini"
