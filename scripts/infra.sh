#!/usr/bin/env bash
# PostgreSQL, Redis and PgBouncer for development and tests.
#
#   bash scripts/infra.sh                   ensure all three are up (a no-op when they are)
#   bash scripts/infra.sh stop-pgbouncer    stop the PgBouncer this checkout started
#   bash scripts/infra.sh verify-pgbouncer  prove a brand-new tenant role can log in through it
#   bash scripts/infra.sh status
#
# Sourcing it defines ensure_postgres, ensure_redis, ensure_pgbouncer, stop_pgbouncer and
# export_pgbouncer_admin_url.
# Each one uses a service that already answers; otherwise it starts it: from Debian packages
# when root (installing them with apt-get when absent), else with
# deploy/compose/docker-compose.yml when a Docker engine answers, else it fails saying what to do.
# shellcheck shell=bash

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_HOST=127.0.0.1
REDIS_PORT=6379
PGBOUNCER_DIR="$REPO_ROOT/.dev/pgbouncer"
PGBOUNCER_TEMPLATE_DIR="$REPO_ROOT/deploy/pgbouncer"
COMPOSE_FILE="$REPO_ROOT/deploy/compose/docker-compose.yml"

# Read when used: scripts that source this file export .env afterwards.
_pgbouncer_port() { echo "${PGBOUNCER_PORT:-6432}"; }

compose() { docker compose -p helpdeskly -f "$COMPOSE_FILE" "$@"; }

# psql as the superuser over TCP; never prompts (CI has no stdin).
psql_admin() { psql -X -q -w -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres "$@"; }

ensure_psql() {
  have psql && return 0
  apt_install postgresql-client
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

# The first Debian cluster listening on PG_PORT, as "version name", if any.
_debian_cluster() {
  have pg_lsclusters || return 1
  pg_lsclusters --no-header 2>/dev/null | awk -v port="$PG_PORT" '$3 == port { print $1, $2; exit }'
}

# Debian's clusters ask for a password on 127.0.0.1; the project's URLs log in as postgres
# without one, so allow exactly that (loopback only) on a machine we administer.
_allow_local_superuser() {
  local cluster hba
  cluster=$(_debian_cluster) || return 1
  [[ -n "$cluster" ]] || return 1
  hba="/etc/postgresql/${cluster% *}/${cluster#* }/pg_hba.conf"
  [[ -f "$hba" ]] || return 1
  grep -q 'helpdeskly' "$hba" && return 1
  log "Allowing the postgres role on 127.0.0.1/::1 without a password ($hba)"
  {
    echo '# helpdeskly (scripts/infra.sh): development superuser over loopback without a password'
    echo 'host all postgres 127.0.0.1/32 trust'
    echo 'host all postgres ::1/128 trust'
    cat "$hba"
  } >"$hba.helpdeskly" && cat "$hba.helpdeskly" >"$hba" && rm -f "$hba.helpdeskly"
  pg_ctlcluster --skip-systemctl-redirect "${cluster% *}" "${cluster#* }" reload
}

_postgres_answers() { psql_admin -d postgres -Atc 'select 1' >/dev/null 2>&1; }

_check_postgres_login() {
  _postgres_answers && return 0
  if is_root && _allow_local_superuser; then
    sleep 0.5
    _postgres_answers && return 0
  fi
  fail "PostgreSQL answers on $PG_HOST:$PG_PORT but refuses 'psql -h $PG_HOST -U postgres' without a password: $(psql_admin -d postgres -c 'select 1' 2>&1 | head -1)
  Allow it (pg_hba.conf: 'host all postgres 127.0.0.1/32 trust') or set PGPASSWORD."
}

_start_debian_postgres() {
  if ! have pg_ctlcluster || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    apt_install postgresql postgresql-client
  fi
  local cluster
  cluster=$(_debian_cluster || true)
  if [[ -z "$cluster" ]]; then
    local version
    version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -1)
    [[ ! -d "/etc/postgresql/$version/main" ]] ||
      fail "PostgreSQL cluster $version/main exists but does not use port $PG_PORT (pg_lsclusters); set its port to $PG_PORT in /etc/postgresql/$version/main/postgresql.conf"
    log "Creating PostgreSQL $version cluster 'main' on port $PG_PORT"
    pg_createcluster --port "$PG_PORT" "$version" main >/dev/null
    cluster="$version main"
  fi
  # apt-get install may have started the new cluster already.
  if pg_lsclusters --no-header 2>/dev/null | awk -v v="${cluster% *}" -v n="${cluster#* }" '$1 == v && $2 == n && $4 ~ /online/ { found = 1 } END { exit !found }'; then
    return 0
  fi
  log "Starting PostgreSQL cluster $cluster"
  # --skip-systemctl-redirect: containers and CI have no systemd.
  pg_ctlcluster --skip-systemctl-redirect "${cluster% *}" "${cluster#* }" start ||
    fail "pg_ctlcluster ${cluster} start failed; see /var/log/postgresql/postgresql-${cluster// /-}.log"
}

ensure_postgres() {
  ensure_psql
  if port_open "$PG_HOST" "$PG_PORT"; then
    _check_postgres_login
    log "PostgreSQL is up on $PG_HOST:$PG_PORT"
    return 0
  fi
  if is_root && have apt-get; then
    _start_debian_postgres
  elif docker_engine_available; then
    log "Starting PostgreSQL with docker compose"
    compose up -d postgres
  else
    fail "PostgreSQL is not running on $PG_HOST:$PG_PORT. Start it (sudo pg_ctlcluster 15 main start), run this script as root to install and start it, or start a Docker engine for deploy/compose/docker-compose.yml."
  fi
  wait_for_port "$PG_HOST" "$PG_PORT" 60 "PostgreSQL"
  for _ in $(seq 1 100); do pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break; sleep 0.2; done
  _check_postgres_login
  log "PostgreSQL is up on $PG_HOST:$PG_PORT"
}

# ---------------------------------------------------------------------------------------------
# Redis

ensure_redis() {
  if port_open "$REDIS_HOST" "$REDIS_PORT"; then
    log "Redis is up on $REDIS_HOST:$REDIS_PORT"
    return 0
  fi
  if is_root && have apt-get; then
    have redis-server || apt_install redis-server
    # The package may have started its own service.
    if port_open "$REDIS_HOST" "$REDIS_PORT"; then
      log "Redis is up on $REDIS_HOST:$REDIS_PORT"
      return 0
    fi
    log "Starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    # No persistence: development and test data only.
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null
  elif have redis-server; then
    log "Starting Redis as $(id -un)"
    mkdir -p "$REPO_ROOT/.dev/redis" "$REPO_ROOT/.dev/logs"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir "$REPO_ROOT/.dev/redis" --logfile "$REPO_ROOT/.dev/logs/redis.log" >/dev/null
  elif docker_engine_available; then
    log "Starting Redis with docker compose"
    compose up -d redis
  else
    fail "Redis is not running on $REDIS_HOST:$REDIS_PORT. Start it (redis-server --daemonize yes), run this script as root to install it, or start a Docker engine for deploy/compose/docker-compose.yml."
  fi
  wait_for_port "$REDIS_HOST" "$REDIS_PORT" 30 "Redis"
  log "Redis is up on $REDIS_HOST:$REDIS_PORT"
}

# ---------------------------------------------------------------------------------------------
# PgBouncer

# The Unix user PgBouncer runs as: it refuses to run as root.
_pgbouncer_user() {
  if is_root; then
    id -u postgres >/dev/null 2>&1 || fail "PgBouncer cannot run as root and there is no 'postgres' user"
    echo postgres
  else
    id -un
  fi
}

_as_pgbouncer_user() {
  if is_root; then runuser -u "$(_pgbouncer_user)" -- "$@"; else "$@"; fi
}

# The folder of the files PgBouncer itself reads and writes (pgbouncer.ini, hba.conf,
# userlist.txt, its log and pid file). Run by root, PgBouncer runs as postgres, who cannot enter a
# checkout under /root or a `mktemp -d`: then they live under /run (per checkout), .dev/pgbouncer
# keeps links to the log and the pid file, and nobody has to open their home to other users.
_pgbouncer_run_dir() {
  if is_root && ! runuser -u "$(_pgbouncer_user)" -- test -x "$PGBOUNCER_DIR" 2>/dev/null; then
    local base=/run/helpdeskly-pgbouncer
    [[ -d /run && -w /run ]] || base=/var/tmp/helpdeskly-pgbouncer
    echo "$base/$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-12)"
  else
    echo "$PGBOUNCER_DIR"
  fi
}

_pgbouncer_pid() {
  local pid
  [[ -f "$PGBOUNCER_DIR/pgbouncer.pid" ]] || return 1
  pid=$(cat "$PGBOUNCER_DIR/pgbouncer.pid" 2>/dev/null) || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q pgbouncer "/proc/$pid/comm" 2>/dev/null && echo "$pid"
}

_compose_pgbouncer_running() {
  docker_engine_available && [[ -n "$(compose ps -q --status running pgbouncer 2>/dev/null)" ]]
}

# Random secrets for the technical users, kept across runs in .dev/pgbouncer/secrets.env. A key
# missing from an older file (PGBOUNCER_ADMIN_PASSWORD, TENANT_GATEWAY_PASSWORD came later) is
# added, the others kept.
_pgbouncer_secrets() {
  local file="$PGBOUNCER_DIR/secrets.env" key
  (
    umask 077
    touch "$file"
    for key in PGBOUNCER_AUTH_PASSWORD PGBOUNCER_STATS_PASSWORD PGBOUNCER_ADMIN_PASSWORD TENANT_GATEWAY_PASSWORD; do
      grep -q "^$key=." "$file" || printf '%s=%s\n' "$key" "$(random_hex 24)" >>"$file"
    done
  )
  export_env_file "$file" --override
}

# The role PgBouncer logs in as to look tenant roles up. PgBouncer 1.18 runs auth_query inside
# each target database (auth_dbname came in 1.19), so a SECURITY DEFINER lookup function would
# have to exist in every tenant database, including ones created later from any template.
# pg_read_all_data lets one ordinary role read pg_authid from any database instead; it can read
# tenant rows too, which PgBouncer sees in transit anyway. It cannot write: the role is forced
# read-only and has no other privilege.
_ensure_auth_role() {
  psql_admin -d postgres <<SQL
SET client_min_messages = warning;
SELECT 'CREATE ROLE pgbouncer_auth LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgbouncer_auth') \gexec
\set auth_password '$PGBOUNCER_AUTH_PASSWORD'
ALTER ROLE pgbouncer_auth WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION CONNECTION LIMIT 20 PASSWORD :'auth_password';
ALTER ROLE pgbouncer_auth SET default_transaction_read_only = on;
GRANT pg_read_all_data TO pgbouncer_auth;
-- The lookup runs inside the target database: reach every one, even those closed to PUBLIC. A
-- database dropped meanwhile (a tenant deleted while this runs: "tuple concurrently deleted",
-- or already gone) needs no grant, and must not fail the start.
DO \$\$
DECLARE db text;
BEGIN
  FOR db IN SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate LOOP
    BEGIN
      EXECUTE format('GRANT CONNECT ON DATABASE %I TO pgbouncer_auth', db);
    EXCEPTION WHEN invalid_catalog_name OR undefined_object OR internal_error THEN
      IF EXISTS (SELECT 1 FROM pg_database WHERE datname = db) THEN RAISE; END IF;
    END;
  END LOOP;
END
\$\$;
SQL
}

_gateway_role() { echo "${TENANT_GATEWAY_ROLE:-helpdeskly_gateway}"; }

# The tenant backend budget of the server: TENANT_BACKEND_BUDGET when set, else what PostgreSQL
# can give tenants, max_connections - superuser_reserved_connections - TENANT_BACKEND_RESERVE
# (default 30: the control database pools of the APIs and the worker, migrations, backups,
# monitoring). app-api refuses to start when PgBouncer's cap and the server disagree with it.
_compute_tenant_backend_budget() {
  local max reserved reserve=${TENANT_BACKEND_RESERVE:-30} budget
  read -r max reserved < <(psql_admin -d postgres -Atc "SELECT current_setting('max_connections'), current_setting('superuser_reserved_connections')" | tr '|' ' ')
  budget=${TENANT_BACKEND_BUDGET:-$((max - reserved - reserve))}
  ((budget >= 4)) || fail "The tenant backend budget would be $budget: PostgreSQL's max_connections ($max) - superuser_reserved_connections ($reserved) - TENANT_BACKEND_RESERVE ($reserve). Raise max_connections or lower TENANT_BACKEND_RESERVE."
  ((budget + reserve <= max - reserved)) || fail "TENANT_BACKEND_BUDGET=$budget leaves less than TENANT_BACKEND_RESERVE=$reserve of PostgreSQL's max_connections ($max, $reserved reserved for superusers)."
  _TENANT_BACKEND_BUDGET=$budget
}

# The role every tenant request logs in as (NOINHERIT, no privilege of its own, a member of each
# tenant role, each tenant database setting its role: ALTER ROLE ... IN DATABASE ... SET role;
# control-api grants that per tenant). Its CONNECTION LIMIT backs PgBouncer's cap on the server,
# with headroom for backends still exiting after PgBouncer closed them. The password is set when
# it no longer logs in, so PgBouncer's copy of its SCRAM secret (the auth_file) stays valid.
_ensure_gateway_role() {
  local role limit
  role=$(_gateway_role)
  limit=$((_TENANT_BACKEND_BUDGET + (_TENANT_BACKEND_BUDGET / 10 > 2 ? _TENANT_BACKEND_BUDGET / 10 : 2)))
  psql_admin -d postgres -v role="$role" -v limit="$limit" <<'SQL'
SET client_min_messages = warning;
SELECT format('CREATE ROLE %I LOGIN NOINHERIT', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT %s', :'role', :'limit') \gexec
SQL
  _GATEWAY_VERIFIER=$(_gateway_verifier "$role")
  if ! _scram_matches "$_GATEWAY_VERIFIER" "$TENANT_GATEWAY_PASSWORD"; then
    log "Setting the password of the gateway role $role"
    psql_admin -d postgres -v role="$role" -v password="$TENANT_GATEWAY_PASSWORD" <<'SQL'
SET password_encryption = 'scram-sha-256';
SELECT format('ALTER ROLE %I PASSWORD %L', :'role', :'password') \gexec
SQL
    _GATEWAY_VERIFIER=$(_gateway_verifier "$role")
  fi
  [[ "$_GATEWAY_VERIFIER" == SCRAM-SHA-256\$* ]] || fail "The gateway role $role has no SCRAM secret (password_encryption must be scram-sha-256)"
}

# The role's SCRAM secret as pg_authid holds it. It goes to PgBouncer's auth_file instead of the
# password: PgBouncer then logs in to PostgreSQL with the keys of the client's own SCRAM exchange,
# no PBKDF2 of its own per new server connection.
_gateway_verifier() {
  psql_admin -d postgres -At -v role="$1" <<'SQL'
SELECT coalesce(rolpassword, '') FROM pg_authid WHERE rolname = :'role'
SQL
}

# True when the SCRAM-SHA-256 secret $1 was made from password $2 (RFC 5802's StoredKey), so the
# password is set again only when it changed: a login cannot tell where pg_hba trusts loopback.
_scram_matches() {
  [[ "$1" == SCRAM-SHA-256\$* ]] || return 1
  # shellcheck disable=SC2016 # JavaScript, not shell: nothing to expand
  node -e '
    const { createHash, createHmac, pbkdf2Sync } = require("node:crypto");
    const [, iterations, salt, storedKey] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):/.exec(process.argv[1]) ?? [];
    if (!storedKey) process.exit(1);
    const salted = pbkdf2Sync(process.argv[2], Buffer.from(salt, "base64"), Number(iterations), 32, "sha256");
    const key = createHash("sha256").update(createHmac("sha256", salted).update("Client Key").digest()).digest("base64");
    process.exit(key === storedKey ? 0 : 1);
  ' "$1" "$2"
}

# _render_pgbouncer_config DIR CONF_DIR PG_HOST LISTEN_ADDR TRUSTED_NET LOGFILE PIDFILE
# Writes pgbouncer.ini, hba.conf and userlist.txt into DIR, naming them under CONF_DIR (the
# path PgBouncer sees); returns 0 when a file changed.
_render_pgbouncer_config() {
  local dir=$1 conf_dir=$2 pg_host=$3 listen_addr=$4 trusted_net=$5 logfile=$6 pidfile=$7
  mkdir -p "$dir"
  sed -e "s|@PG_HOST@|$pg_host|g" -e "s|@PG_PORT@|$PG_PORT|g" \
    -e "s|@LISTEN_ADDR@|$listen_addr|g" -e "s|@LISTEN_PORT@|$(_pgbouncer_port)|g" \
    -e "s|@LOGFILE@|$logfile|g" -e "s|@PIDFILE@|$pidfile|g" \
    -e "s|@AUTH_FILE@|$conf_dir/userlist.txt|g" -e "s|@HBA_FILE@|$conf_dir/hba.conf|g" \
    -e "s|@TENANT_BACKEND_BUDGET@|$_TENANT_BACKEND_BUDGET|g" \
    "$PGBOUNCER_TEMPLATE_DIR/pgbouncer.ini.template" >"$dir/pgbouncer.ini.new"
  sed -e "s|@TRUSTED_NET@|$trusted_net|g" "$PGBOUNCER_TEMPLATE_DIR/hba.conf.template" >"$dir/hba.conf.new"
  (
    umask 077
    printf '"postgres" ""\n"pgbouncer_auth" "%s"\n"helpdeskly_stats" "%s"\n"helpdeskly_admin" "%s"\n"%s" "%s"\n' \
      "$PGBOUNCER_AUTH_PASSWORD" "$PGBOUNCER_STATS_PASSWORD" "$PGBOUNCER_ADMIN_PASSWORD" "$(_gateway_role)" "$_GATEWAY_VERIFIER" >"$dir/userlist.txt.new"
  )
  local changed=1 f
  for f in pgbouncer.ini hba.conf userlist.txt; do
    if cmp -s "$dir/$f.new" "$dir/$f"; then rm -f "$dir/$f.new"; else mv -f "$dir/$f.new" "$dir/$f" && changed=0; fi
  done
  return $changed
}

# Stops Debian's packaged pgbouncer service (its stock config cannot authenticate tenant roles)
# when it holds our port; apt-get install may have started it.
_stop_debian_pgbouncer() {
  local pidfile=/var/run/postgresql/pgbouncer.pid pid
  [[ -f "$pidfile" ]] || return 1
  pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null || return 1
  is_root || fail "Debian's pgbouncer service (pid $pid) holds port $(_pgbouncer_port); stop it: sudo service pgbouncer stop"
  warn "Stopping Debian's pgbouncer service (pid $pid): its stock config cannot serve tenant roles"
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  fail "Debian's pgbouncer (pid $pid) did not stop"
}

# Describes the process listening on a port: its command line when visible (another checkout's
# PgBouncer shows its config path, hence the checkout to stop it from).
_port_owner() {
  local pid
  pid=$(ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
  if [[ -n "$pid" && -r "/proc/$pid/cmdline" ]]; then
    echo "pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
  else
    echo "another process"
  fi
}

# Another Helpdeskly checkout's PgBouncer (a CI clone beside a working copy, or a copy left
# running by an earlier session) holds the port: its config is this project's too, but its
# lookup role's password is about to change (_ensure_auth_role), so replace it with ours.
_stop_other_checkout_pgbouncer() {
  local pid
  pid=$(ss -ltnpH "sport = :$(_pgbouncer_port)" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qE '^pgbouncer .*(/\.dev/pgbouncer|/helpdeskly-pgbouncer/[0-9a-f]+)/pgbouncer\.ini' || return 1
  warn "Stopping another checkout's PgBouncer on port $(_pgbouncer_port) ($(_port_owner "$(_pgbouncer_port)"))"
  kill -TERM "$pid" 2>/dev/null || return 1
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}

_start_local_pgbouncer() {
  local user run ini
  user=$(_pgbouncer_user)
  run=$(_pgbouncer_run_dir)
  ini="$run/pgbouncer.ini"
  if is_root; then chown -R "$user" "$run"; fi
  _as_pgbouncer_user test -r "$ini" || fail "PgBouncer runs as '$user', who cannot read $ini"
  log "Starting PgBouncer on 127.0.0.1:$(_pgbouncer_port) as '$user' (config: $run, log: ${PGBOUNCER_DIR#"$REPO_ROOT"/}/pgbouncer.log)"
  : >"$run/pgbouncer.log" && if is_root; then chown "$user" "$run/pgbouncer.log"; fi
  _as_pgbouncer_user pgbouncer -d "$ini" ||
    fail "PgBouncer did not start:
$(tail -n 20 "$PGBOUNCER_DIR/pgbouncer.log" 2>/dev/null)"
}

ensure_pgbouncer() {
  mkdir -p "$PGBOUNCER_DIR"
  _pgbouncer_secrets
  _ensure_auth_role
  _compute_tenant_backend_budget
  _ensure_gateway_role

  local changed=1 run
  run=$(_pgbouncer_run_dir)
  _render_pgbouncer_config "$run" "$run" "$PG_HOST" 127.0.0.1 127.0.0.1/32 \
    "$run/pgbouncer.log" "$run/pgbouncer.pid" && changed=0
  if [[ "$run" != "$PGBOUNCER_DIR" ]]; then
    # Where people and scripts look for them; the config files stay where PgBouncer can read them.
    ln -sfn "$run/pgbouncer.log" "$PGBOUNCER_DIR/pgbouncer.log"
    ln -sfn "$run/pgbouncer.pid" "$PGBOUNCER_DIR/pgbouncer.pid"
    rm -f "$PGBOUNCER_DIR/pgbouncer.ini" "$PGBOUNCER_DIR/hba.conf" "$PGBOUNCER_DIR/userlist.txt"
  fi
  (
    umask 077
    echo "postgresql://helpdeskly_stats:${PGBOUNCER_STATS_PASSWORD}@127.0.0.1:$(_pgbouncer_port)/pgbouncer" >"$PGBOUNCER_DIR/admin.url"
    # app-api's PGBOUNCER_ADMIN_URL (RECONNECT after evicting a tenant client).
    echo "postgresql://helpdeskly_admin:${PGBOUNCER_ADMIN_PASSWORD}@127.0.0.1:$(_pgbouncer_port)/pgbouncer" >"$PGBOUNCER_DIR/admin-rw.url"
  )
  chmod 600 "$PGBOUNCER_DIR/admin.url" "$PGBOUNCER_DIR/admin-rw.url"

  local pid
  if pid=$(_pgbouncer_pid); then
    if ((changed == 0)); then
      log "PgBouncer config changed: reloading (pid $pid)"
      # The files were just rewritten by this user; PgBouncer's user must read them (userlist.txt is 0600).
      if is_root; then chown -R "$(_pgbouncer_user)" "$run"; fi
      kill -HUP "$pid"
    fi
    log "PgBouncer is up on 127.0.0.1:$(_pgbouncer_port) (pid $pid)"
    return 0
  fi
  if _compose_pgbouncer_running; then
    log "PgBouncer is up in docker compose on 127.0.0.1:$(_pgbouncer_port)"
    return 0
  fi
  if port_open 127.0.0.1 "$(_pgbouncer_port)"; then
    _stop_debian_pgbouncer || _stop_other_checkout_pgbouncer ||
      fail "Port $(_pgbouncer_port) is taken by $(_port_owner "$(_pgbouncer_port)"). Stop it, or set PGBOUNCER_PORT."
  fi

  if have pgbouncer || (is_root && have apt-get); then
    have pgbouncer || apt_install pgbouncer
    # The package may have started its own service on our port.
    if port_open 127.0.0.1 "$(_pgbouncer_port)"; then _stop_debian_pgbouncer || true; fi
    _start_local_pgbouncer
  elif docker_engine_available; then
    # The container reaches PostgreSQL by its compose service name and logs to stdout.
    _render_pgbouncer_config "$PGBOUNCER_DIR/docker" /etc/pgbouncer postgres 0.0.0.0 0.0.0.0/0 "" "" || true
    # The image runs PgBouncer as its own unprivileged user, which must read the mounted files.
    chmod 0644 "$PGBOUNCER_DIR/docker/"*
    log "Starting PgBouncer with docker compose"
    compose up -d pgbouncer
  else
    fail "PgBouncer is not installed. Install it (sudo apt-get install pgbouncer), run this script as root, or start a Docker engine for deploy/compose/docker-compose.yml."
  fi
  wait_for_port 127.0.0.1 "$(_pgbouncer_port)" 30 "PgBouncer"
  log "PgBouncer is up on 127.0.0.1:$(_pgbouncer_port) ($(_pgbouncer_pid || echo docker))"
}

stop_pgbouncer() {
  local pid
  if pid=$(_pgbouncer_pid); then
    log "Stopping PgBouncer (pid $pid)"
    kill -TERM "$pid" # immediate shutdown (SIGINT would wait for clients to finish)
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && fail "PgBouncer (pid $pid) did not stop"
    rm -f "$PGBOUNCER_DIR/pgbouncer.pid"
  elif _compose_pgbouncer_running; then
    log "Stopping PgBouncer (docker compose)"
    compose stop pgbouncer
  else
    log "PgBouncer is not running (nothing started by this checkout)"
  fi
}

# A role created now logs in through PgBouncer with its password at once; a wrong one is refused.
verify_pgbouncer() {
  local name="helpdeskly_verify_$$" password
  password=$(random_hex 16)
  psql_admin -d postgres <<SQL
\set password '$password'
CREATE ROLE $name LOGIN PASSWORD :'password';
CREATE DATABASE $name OWNER $name;
SQL
  local url ok=0
  url="postgresql://$name@127.0.0.1:$(_pgbouncer_port)/$name"
  if PGPASSWORD=$password psql -X -w "$url" -Atc 'select current_user' >/dev/null 2>&1; then
    log "verify: a brand-new role logged in through PgBouncer"
  else
    warn "verify: the new role could not log in: $(PGPASSWORD=$password psql -X -w "$url" -c 'select 1' 2>&1 | head -1)"
    ok=1
  fi
  if PGPASSWORD=wrong-password psql -X -w "$url" -Atc 'select 1' >/dev/null 2>&1; then
    warn "verify: a wrong password was accepted"
    ok=1
  else
    log "verify: a wrong password was refused"
  fi
  # PgBouncer keeps an idle server connection to the new database for a few seconds.
  psql_admin -d postgres -c "DROP DATABASE $name WITH (FORCE)" -c "DROP ROLE $name"
  ((ok == 0)) || fail "PgBouncer verification failed; see .dev/pgbouncer/pgbouncer.log"
}

status() {
  if port_open "$PG_HOST" "$PG_PORT"; then log "PostgreSQL: up on $PG_HOST:$PG_PORT"; else log "PostgreSQL: down"; fi
  if port_open "$REDIS_HOST" "$REDIS_PORT"; then log "Redis: up on $REDIS_HOST:$REDIS_PORT"; else log "Redis: down"; fi
  if port_open 127.0.0.1 "$(_pgbouncer_port)"; then
    log "PgBouncer: up on 127.0.0.1:$(_pgbouncer_port) ($(_pgbouncer_pid || echo 'not started by this checkout'))"
  else
    log "PgBouncer: down"
  fi
}

# app-api's PGBOUNCER_ADMIN_URL from .dev/pgbouncer/admin-rw.url, unless already set: a
# per-machine secret, so never written into .env.test.
export_pgbouncer_admin_url() {
  if [[ -z "${PGBOUNCER_ADMIN_URL:-}" && -s "$PGBOUNCER_DIR/admin-rw.url" ]]; then
    PGBOUNCER_ADMIN_URL=$(cat "$PGBOUNCER_DIR/admin-rw.url")
    export PGBOUNCER_ADMIN_URL
  fi
}

ensure_infra() {
  local started
  started=$(date +%s)
  ensure_postgres
  ensure_redis
  ensure_pgbouncer
  log "Infrastructure ready in $(elapsed_since "$started")"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  case "${1:-up}" in
    up) ensure_infra ;;
    postgres) ensure_postgres ;;
    redis) ensure_redis ;;
    pgbouncer) ensure_pgbouncer ;;
    stop-pgbouncer) stop_pgbouncer ;;
    verify-pgbouncer) verify_pgbouncer ;;
    status) status ;;
    *) fail "usage: bash scripts/infra.sh [up|postgres|redis|pgbouncer|stop-pgbouncer|verify-pgbouncer|status]" ;;
  esac
fi
