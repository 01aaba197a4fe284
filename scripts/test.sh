#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run):
#
#   bash scripts/test.sh
#
# Installs dependencies, starts PostgreSQL/Redis/PgBouncer when needed, exports .env.test,
# recreates the test control database, generates the Prisma clients, type-checks, lints (ESLint
# and Prettier), builds both APIs (some tests start the built API), then runs the unit,
# integration, end-to-end, load and fault tiers. Ends with one line "N passed, N failed" and exits
# non-zero on any failure.
set -euo pipefail

# shellcheck source=scripts/infra.sh
source "$(dirname "${BASH_SOURCE[0]}")/infra.sh"
cd "$REPO_ROOT"

LOG_DIR="$REPO_ROOT/.dev/logs"
TIERS=(unit integration e2e load faults)

recreate_test_control_database() {
  local name
  name=$(node -e 'const u = new URL(process.argv[1]); process.stdout.write(decodeURIComponent(u.pathname.slice(1)))' "$CONTROL_DATABASE_URL")
  [[ "$name" == *test* ]] || fail "Refusing to recreate '$name': the test control database's name must contain 'test' (.env.test)"
  log "Recreating the test control database $name"
  psql -X -q -w -v ON_ERROR_STOP=1 -v name="$name" "$DATABASE_URL" <<'SQL'
SET client_min_messages = warning;
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'name') \gexec
SELECT format('CREATE DATABASE %I', :'name') \gexec
SQL
}

# The test suite's Redis database (REDIS_URL of .env.test) starts empty: queued jobs and cache
# entries of an earlier run would otherwise pile up there.
flush_test_redis() {
  [[ "$REDIS_URL" =~ /[1-9][0-9]*$ ]] || fail "Refusing to flush $REDIS_URL: the tests' Redis must be a numbered database other than 0 (.env.test)"
  log "Flushing the test Redis database ($REDIS_URL)"
  node -e 'const { Redis } = require("ioredis"); const r = new Redis(process.argv[1]); r.flushdb().then(() => r.quit(), (e) => { console.error(e.message); process.exit(1); })' "$REDIS_URL"
}

# Tools of the operations checks (scripts/ops/*.int-spec.ts): docker-compose validates the compose
# files, nginx -t the proxy config, shellcheck the scripts, the AWS CLI uploads the offsite
# backups to a local S3-compatible server (s3rver, a dev dependency).
ensure_ops_tools() {
  local missing=()
  have aws || missing+=(awscli)
  have docker-compose || missing+=(docker-compose)
  have nginx || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  have shellcheck || missing+=(shellcheck)
  # The IMAP fetching spec (apps/worker/src/mail-channels.e2e-spec.ts) runs a Dovecot of its own.
  have dovecot || [[ -x /usr/sbin/dovecot ]] || missing+=(dovecot-imapd)
  # The CORS test drives Debian's Chromium with playwright-core (never a downloaded browser).
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
}

# Sums node:test's "ℹ pass N" / "ℹ fail N" lines of a tier's log.
count_in_log() {
  awk -v key="$2" '$1 == "ℹ" && $2 == key { n += $3 } END { print n + 0 }' "$1"
}

main() {
  local started
  started=$(date +%s)
  mkdir -p "$LOG_DIR"

  install_dependencies
  export_env_file .env.test --override
  ensure_infra
  ensure_ops_tools
  export_pgbouncer_admin_url
  recreate_test_control_database
  flush_test_redis

  log "Generating the Prisma clients"
  run_pnpm run prisma:generate >/dev/null
  log "Applying control migrations to the test database"
  run_pnpm run migrate -- deploy
  local tier passed=0 failed=0 status=0 tier_log p f rc
  log "Type-checking (tsc --noEmit)"
  if ! run_pnpm run typecheck; then
    warn "Type errors: the build compiles anyway, but the run fails"
    failed=$((failed + 1))
    status=1
  fi
  log "Linting (ESLint: the architecture's rules, docs/architecture.md) and checking the format (Prettier)"
  if ! run_pnpm run lint; then
    warn "Lint or format errors: fix them (pnpm run format rewrites the format); the run fails"
    failed=$((failed + 1))
    status=1
  fi
  # The Dockerfile's build stage, here: `pnpm run build` into dist/ (some tests start the built
  # APIs), then the release as the images hold it, outside the checkout so that nothing resolves
  # from the checkout's node_modules (scripts/ops/release-build.int-spec.ts starts an API from it).
  HELPDESKLY_RELEASE_DIR="${TMPDIR:-/tmp}/helpdeskly-release-$(id -u)"
  export HELPDESKLY_RELEASE_DIR
  log "Building both APIs and the release (scripts/ops/build-release.sh --in-place $HELPDESKLY_RELEASE_DIR)"
  rm -rf "$HELPDESKLY_RELEASE_DIR"
  # A broken build fails the run, but every tier still runs: one CI run reports everything.
  if ! bash scripts/ops/build-release.sh --in-place "$HELPDESKLY_RELEASE_DIR"; then
    warn "The build failed; tests that start the built APIs will fail too"
    failed=$((failed + 1))
    status=1
  fi

  for tier in "${TIERS[@]}"; do
    tier_log="$LOG_DIR/test-$tier.log"
    log "Running the $tier tests"
    rc=0
    node scripts/run-tests.mjs "$tier" 2>&1 | tee "$tier_log" || rc=$?
    p=$(count_in_log "$tier_log" pass)
    f=$(count_in_log "$tier_log" fail)
    # A runner that died before its summary still counts as a failure.
    if ((rc != 0 && f == 0)); then f=1; fi
    passed=$((passed + p))
    failed=$((failed + f))
    ((rc == 0)) || status=1
  done

  log "Tests finished in $(elapsed_since "$started") (logs: .dev/logs/test-*.log)"
  echo "$passed passed, $failed failed"
  return "$status"
}

main "$@"
