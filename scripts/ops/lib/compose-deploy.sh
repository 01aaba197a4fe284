# What scripts/ops/deploy.sh and scripts/ops/rollback.sh share: the production compose project,
# checks before touching anything, migrations, health waits. Source it after scripts/lib/common.sh.
# shellcheck shell=bash

ENV_FILE=${ENV_FILE:-$REPO_ROOT/.env.production}
PROD_COMPOSE_FILE=${PROD_COMPOSE_FILE:-$REPO_ROOT/deploy/compose/docker-compose.prod.yml}
# Added when .env.production sets VAULT_ROLE_ID: the secrets then come from Vault (docs/vault.md).
VAULT_COMPOSE_FILE=${VAULT_COMPOSE_FILE:-$REPO_ROOT/deploy/compose/docker-compose.vault.yml}
DEPLOY_STATE_DIR=${DEPLOY_STATE_DIR:-$REPO_ROOT/.deploy}
# Extra compose profiles, space-separated: "proxy" (nginx), "tools" (pgAdmin, backups).
DEPLOY_PROFILES=${DEPLOY_PROFILES:-proxy}
HEALTH_TIMEOUT_SECONDS=${HEALTH_TIMEOUT_SECONDS:-180}
APP_SERVICES=(control-api app-api worker)
INFRA_SERVICES=(postgres pgbouncer redis redis-cache)

# Secrets that must be real: set, 16+ characters (32+ for the two keys), not a placeholder. With
# Vault the two keys live there (an empty value is fine; a set one is still checked).
REQUIRED_SECRETS=(POSTGRES_PASSWORD HELPDESKLY_DB_PASSWORD PGBOUNCER_AUTH_PASSWORD PGBOUNCER_STATS_PASSWORD
  PGBOUNCER_ADMIN_PASSWORD REDIS_PASSWORD REDIS_CACHE_PASSWORD JWT_SECRET DB_ENCRYPTION_KEY)

# True when the deployment reads its secrets from Vault (deploy/compose/docker-compose.vault.yml).
uses_vault() { [[ -f "$ENV_FILE" ]] && grep -Eq '^VAULT_ROLE_ID=.+' "$ENV_FILE"; }

_compose_cmd=()
prod_compose() {
  if ((${#_compose_cmd[@]} == 0)); then
    if docker compose version >/dev/null 2>&1; then
      _compose_cmd=(docker compose)
    elif have docker-compose; then
      _compose_cmd=(docker-compose)
    else
      fail "Neither 'docker compose' nor 'docker-compose' is installed"
    fi
    local profile
    _compose_cmd+=(--project-name "${COMPOSE_PROJECT_NAME:-helpdeskly}" --env-file "$ENV_FILE" -f "$PROD_COMPOSE_FILE")
    if uses_vault; then _compose_cmd+=(-f "$VAULT_COMPOSE_FILE"); fi
    for profile in $DEPLOY_PROFILES; do _compose_cmd+=(--profile "$profile"); done
  fi
  "${_compose_cmd[@]}" "$@"
}

# Fails, naming every problem at once, unless the machine and .env.production are ready.
preflight() {
  local problems=() name value min
  have docker || fail "docker is not installed"
  docker info >/dev/null 2>&1 || fail "The Docker engine does not answer (docker info); start it or run as a user of the docker group"
  [[ -f "$ENV_FILE" ]] || fail "$ENV_FILE not found: copy .env.production.example to .env.production and fill it in"
  export_env_file "$ENV_FILE" --override
  for name in "${REQUIRED_SECRETS[@]}"; do
    value=${!name:-}
    min=16
    [[ "$name" == JWT_SECRET || "$name" == DB_ENCRYPTION_KEY ]] && min=32
    if [[ -z "$value" ]]; then
      if [[ ("$name" == JWT_SECRET || "$name" == DB_ENCRYPTION_KEY) ]] && uses_vault; then continue; fi
      problems+=("$name is empty")
    elif ((${#value} < min)); then
      problems+=("$name is shorter than $min characters")
    elif [[ "$value" =~ change-me|changeme|example|password|secret ]]; then
      problems+=("$name looks like a placeholder")
    elif [[ "$name" != JWT_SECRET && "$name" != DB_ENCRYPTION_KEY && ! "$value" =~ ^[A-Za-z0-9_-]+$ ]]; then
      # They go into connection URLs and PgBouncer's auth file unescaped.
      problems+=("$name must contain only letters, digits, '-' and '_' (openssl rand -hex 24)")
    fi
  done
  [[ -n "${FRONTEND_URL:-}" ]] || problems+=("FRONTEND_URL is empty")
  [[ -n "${SMTP_HOST:-}" ]] || problems+=("SMTP_HOST is empty")
  [[ -n "${MAIL_FROM:-}" ]] || problems+=("MAIL_FROM is empty")
  if [[ " $DEPLOY_PROFILES " == *" proxy "* ]]; then
    [[ -f "$REPO_ROOT/deploy/nginx/certs/fullchain.pem" && -f "$REPO_ROOT/deploy/nginx/certs/privkey.pem" ]] ||
      problems+=("deploy/nginx/certs/fullchain.pem and deploy/nginx/certs/privkey.pem are missing (or deploy without the proxy: DEPLOY_PROFILES=)")
  fi
  if ((${#problems[@]} > 0)); then
    printf '  - %s\n' "${problems[@]}" >&2
    fail "$ENV_FILE is not ready for production (${#problems[@]} problem(s) above)"
  fi
  if uses_vault && [[ -z "${VAULT_SECRET_ID:-}" ]]; then
    fail "VAULT_ROLE_ID is set but VAULT_SECRET_ID is empty (both are in /vault/init/helpdeskly-approle.env)"
  fi
  prod_compose config --quiet || fail "deploy/compose/docker-compose.prod.yml does not accept $ENV_FILE (see above)"
}

# Images of IMAGE_TAG: pulled from IMAGE_REGISTRY, or built here when DEPLOY_BUILD=1.
fetch_images() {
  if [[ "${DEPLOY_BUILD:-0}" == 1 ]]; then
    log "Building the images of $IMAGE_TAG"
    prod_compose build migrate "${APP_SERVICES[@]}" || fail "docker compose build failed"
  else
    log "Pulling the images of $IMAGE_TAG from ${IMAGE_REGISTRY:-helpdeskly}"
    prod_compose pull migrate "${APP_SERVICES[@]}" ||
      fail "Pulling the images of $IMAGE_TAG failed (is IMAGE_REGISTRY right and are you logged in? DEPLOY_BUILD=1 builds them here)"
  fi
}

# wait_healthy SERVICE...: until every container of each service reports healthy.
wait_healthy() {
  local service id status deadline=$((SECONDS + HEALTH_TIMEOUT_SECONDS))
  for service in "$@"; do
    log "Waiting for $service to be healthy"
    while :; do
      id=$(prod_compose ps -q "$service" 2>/dev/null | head -1)
      status=$([[ -n "$id" ]] && docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id" 2>/dev/null || echo missing)
      [[ "$status" == healthy ]] && break
      if [[ "$status" == unhealthy || "$status" == exited || "$status" == dead ]] || ((SECONDS > deadline)); then
        prod_compose logs --tail 50 "$service" >&2 || true
        fail "$service is $status (not healthy within ${HEALTH_TIMEOUT_SECONDS}s); its last log lines are above"
      fi
      sleep 2
    done
  done
}

start_infrastructure() {
  log "Starting PostgreSQL, PgBouncer and both Redis servers"
  prod_compose up -d "${INFRA_SERVICES[@]}" || fail "Starting the infrastructure failed"
  wait_healthy "${INFRA_SERVICES[@]}"
}

# The control database, then every tenant database, with IMAGE_TAG's migrations.
run_migrations() {
  log "Migrating the control database and every tenant database ($IMAGE_TAG)"
  prod_compose run --rm --no-deps migrate ||
    fail "Migrations failed; the running version was left as it was. Read the output above, fix the cause, then run 'pnpm run migrate -- resolve ...' if a migration is recorded as failed"
}

start_applications() {
  log "Starting ${APP_SERVICES[*]} ($IMAGE_TAG)"
  prod_compose up -d --no-deps "${APP_SERVICES[@]}" || fail "Starting the applications failed"
  wait_healthy "${APP_SERVICES[@]}"
  if [[ " $DEPLOY_PROFILES " == *" proxy "* ]]; then
    prod_compose up -d --no-deps nginx || fail "Starting nginx failed"
    wait_healthy nginx
  fi
}

# Both APIs answer readiness on the host's loopback ports.
verify_deployment() {
  local url
  for url in http://127.0.0.1:6500/health/ready http://127.0.0.1:6501/health/ready; do
    curl -fsS --max-time 5 "$url" >/dev/null || fail "$url does not answer 200"
  done
  log "Both APIs are ready"
}

record_tag() {
  mkdir -p "$DEPLOY_STATE_DIR"
  echo "$1" >"$DEPLOY_STATE_DIR/$2"
}

read_tag() { [[ -s "$DEPLOY_STATE_DIR/$1" ]] && cat "$DEPLOY_STATE_DIR/$1"; }
