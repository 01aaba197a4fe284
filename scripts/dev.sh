#!/usr/bin/env bash
# Runs Helpdeskly locally, from a fresh clone or again after a change:
#
#   bash scripts/dev.sh         install, start PostgreSQL/Redis/PgBouncer, migrate, seed, build,
#                               then (re)start the mail catcher, control-api, app-api and (unless
#                               control-api runs them, RUN_WORKERS=true) the worker in the background,
#                               and the web console's Vite dev server at FRONTEND_URL (docs/web.md)
#   bash scripts/dev.sh stop    stop them (PostgreSQL, Redis and PgBouncer keep running;
#                               bash scripts/infra.sh stop-pgbouncer stops PgBouncer)
#
# Logs: .dev/logs/<process>.log. Emails: http://127.0.0.1:1080/ (files in .dev/mail).
# Configuration: .env (created from .env.example).
set -euo pipefail

# shellcheck source=scripts/infra.sh
source "$(dirname "${BASH_SOURCE[0]}")/infra.sh"
cd "$REPO_ROOT"

LOG_DIR="$REPO_ROOT/.dev/logs"
RUN_DIR="$REPO_ROOT/.dev/run"
READY_TIMEOUT_S=60
# Everything dev.sh starts and stops, in start order: the mail catcher first (SMTP for the workers).
PROCESSES=(mail-catcher control-api app-api worker web)
MAIL_CATCHER_HTTP_PORT="${MAIL_CATCHER_HTTP_PORT:-1080}"

# The package script that starts an API (start:control, start:app), run without a package manager
# in between so the pid file names the node process itself.
api_command() {
  local script
  case "$1" in
    control-api) script=start:control ;;
    app-api) script=start:app ;;
    worker) script=start:worker ;;
    mail-catcher) script=mail-catcher ;;
    web) script=web:dev ;;
  esac
  # vite is a dev dependency's binary: run its script with node itself, like the others.
  node -p "require('./package.json').scripts['$script'].replace(/^vite /, 'node node_modules/vite/bin/vite.js ')"
}

api_port() {
  case "$1" in
    control-api) echo "${CONTROL_PORT:-6500}" ;;
    app-api) echo "${APP_PORT:-6501}" ;;
    worker) echo "${WORKER_PORT:-6502}" ;;
    mail-catcher) echo "$MAIL_CATCHER_HTTP_PORT" ;;
    web) echo 3000 ;;
  esac
}

# The worker runs as its own process unless control-api runs the queue workers itself.
wanted_processes() {
  local name
  for name in "${PROCESSES[@]}"; do
    [[ "$name" == worker && "${RUN_WORKERS:-false}" == true ]] && continue
    echo "$name"
  done
}

# Sends SIGTERM to every running API, then waits for each: they drain in-flight requests for up
# to SHUTDOWN_TIMEOUT_MS, in parallel; one still running after that is killed.
stop_apis() {
  local name pidfile pid
  local -a pids=()
  for name in "${PROCESSES[@]}"; do
    pidfile="$RUN_DIR/$name.pid"
    [[ -f "$pidfile" ]] || continue
    pid=$(cat "$pidfile")
    rm -f "$pidfile"
    kill -0 "$pid" 2>/dev/null || continue
    log "Stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$name:$pid")
  done
  local entry
  for entry in "${pids[@]}"; do
    name=${entry%%:*}
    pid=${entry#*:}
    for _ in $(seq 1 $(((${SHUTDOWN_TIMEOUT_MS:-10000} / 100) + 50))); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      warn "$name (pid $pid) did not stop in time; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

start_api() {
  local name=$1 port command
  port=$(api_port "$name")
  command=$(api_command "$name")
  if port_open 127.0.0.1 "$port"; then
    fail "Port $port (for $name) is already in use by another process: $(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'users:.*' || echo unknown)"
  fi
  log "Starting $name on port $port: $command"
  # setsid: the API outlives this script and its terminal.
  setsid bash -c "exec $command" >"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

# The HTTP status of a GET, or 000 when nothing answers (node: curl is not on every machine).
http_status() {
  node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(3000) }).then((r) => console.log(r.status), () => console.log("000"))' "$1"
}

wait_until_ready() {
  local name=$1 port pid deadline code
  port=$(api_port "$name")
  pid=$(cat "$RUN_DIR/$name.pid")
  deadline=$(($(date +%s) + READY_TIMEOUT_S))
  while true; do
    if [[ "$name" == mail-catcher ]]; then
      code=$(http_status "http://127.0.0.1:$port/messages")
    elif [[ "$name" == web ]]; then
      code=$(http_status "http://localhost:$port/")
    else
      code=$(http_status "http://127.0.0.1:$port/health/ready")
    fi
    [[ "$code" == 200 ]] && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      fail "$name exited during start-up. Last lines of .dev/logs/$name.log:
$(tail -n 30 "$LOG_DIR/$name.log")"
    fi
    if (($(date +%s) >= deadline)); then
      fail "$name did not answer GET /health/ready with 200 within ${READY_TIMEOUT_S}s (last status: ${code:-none}). Last lines of .dev/logs/$name.log:
$(tail -n 30 "$LOG_DIR/$name.log")
  Readiness details: curl -s http://127.0.0.1:$port/health/ready"
    fi
    sleep 0.5
  done
}

# Creates a database on the server of CONTROL_DATABASE_URL unless it exists.
ensure_control_database() {
  local name
  name=$(node -e 'const u = new URL(process.argv[1]); process.stdout.write(decodeURIComponent(u.pathname.slice(1)))' "$CONTROL_DATABASE_URL")
  [[ -n "$name" ]] || fail "CONTROL_DATABASE_URL names no database"
  if [[ -z "$(psql -X -w "$CONTROL_DATABASE_URL" -Atc 'select 1' 2>/dev/null)" ]]; then
    log "Creating the control database $name"
    psql -X -q -w -v ON_ERROR_STOP=1 -v name="$name" "$DATABASE_URL" <<'SQL'
SELECT format('CREATE DATABASE %I', :'name') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'name') \gexec
SQL
  fi
}

main() {
  local started
  started=$(date +%s)
  mkdir -p "$LOG_DIR" "$RUN_DIR"

  if [[ ! -f .env ]]; then
    [[ "${NODE_ENV:-development}" == development ]] || fail ".env is missing; it is created from .env.example only for NODE_ENV=development"
    log "Creating .env from .env.example"
    cp .env.example .env
  fi
  export_env_file .env
  [[ "$NODE_ENV" != production ]] || fail "scripts/dev.sh is for development; NODE_ENV=production"

  ensure_pnpm_on_path
  install_dependencies
  ensure_infra
  export_pgbouncer_admin_url
  ensure_control_database

  log "Generating the Prisma clients"
  run_pnpm run prisma:generate >/dev/null
  log "Applying control migrations"
  run_pnpm run migrate -- deploy
  log "Bringing tenant databases up to date"
  run_pnpm run migrate -- tenants
  if [[ "$NODE_ENV" == development ]]; then
    log "Seeding demo data"
    run_pnpm run seed
  fi
  log "Building both APIs"
  run_pnpm run build

  stop_apis
  local name
  local -a processes
  mapfile -t processes < <(wanted_processes)
  for name in "${processes[@]}"; do start_api "$name"; done
  for name in "${processes[@]}"; do
    wait_until_ready "$name"
    log "$name is ready"
  done
  if [[ "$NODE_ENV" == development ]]; then
    log "Seeding demo tickets through the APIs"
    run_pnpm run seed:helpdesk
  fi

  local host=localhost
  echo
  echo "Helpdeskly is running (logs in .dev/logs/, stop with: bash scripts/dev.sh stop)"
  echo "  control-api  http://$host:$(api_port control-api)$([[ "${ENABLE_SWAGGER:-false}" == true ]] && echo "   docs: http://$host:$(api_port control-api)/docs")"
  echo "  app-api      http://$host:$(api_port app-api)$([[ "${ENABLE_SWAGGER:-false}" == true ]] && echo "   docs: http://$host:$(api_port app-api)/docs")"
  if [[ "${RUN_WORKERS:-false}" == true ]]; then
    echo "  workers      inside control-api (RUN_WORKERS=true)"
  else
    echo "  worker       http://$host:$(api_port worker)/health"
  fi
  echo "  console      ${FRONTEND_URL:-http://localhost:3000}  (apps/web, Vite dev server; /api/* proxied to both APIs)"
  echo "  emails       http://$host:$MAIL_CATCHER_HTTP_PORT/  (the mail catcher; SMTP on 127.0.0.1:${SMTP_PORT:-1025}, files in .dev/mail)"
  if [[ -n "${INBOUND_SMTP_PORT:-}" && -n "${INBOUND_DOMAIN:-}" ]]; then
    echo "  inbound mail SMTP on ${INBOUND_SMTP_HOST:-0.0.0.0}:$INBOUND_SMTP_PORT: mail to acme@$INBOUND_DOMAIN opens a ticket (docs/email.md)"
  fi
  if [[ "$NODE_ENV" == development ]]; then
    echo "  demo login   demo@helpdeskly.local / Demo-Password-2026!  (tenant: acme)"
  fi
  echo "Ready in $(elapsed_since "$started")"
}

case "${1:-start}" in
  start) main ;;
  stop)
    [[ -f "$REPO_ROOT/.env" ]] && export_env_file "$REPO_ROOT/.env"
    stop_apis
    log "The APIs, the worker, the mail catcher and the console are stopped"
    ;;
  *) fail "usage: bash scripts/dev.sh [start|stop]" ;;
esac
