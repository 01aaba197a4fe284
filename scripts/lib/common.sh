# Shared helpers of the scripts in scripts/ and scripts/ops/. Source it; it defines functions and
# REPO_ROOT only.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT

PNPM_VERSION="12.21.0"
# The registry here does not publish pnpm's own platform binaries (@pnpm/exe.*), so pnpm 12 cannot
# record the `packageManager` pin in the lockfile: a frozen install refuses to start and other
# commands fail now and then with ERR_PNPM_BAD_CONFIG_DEP. The pin is not needed to run pnpm.
# Exported, so the pnpm of lifecycle scripts (postinstall) gets it too.
export pnpm_config_pm_on_fail=ignore

# Colours only on a terminal; CI logs stay plain text.
if [[ -t 2 ]]; then _C_LOG=$'\033[36m' _C_WARN=$'\033[33m' _C_ERR=$'\033[31m' _C_END=$'\033[0m'; else _C_LOG='' _C_WARN='' _C_ERR='' _C_END=''; fi
_ts() { date +%H:%M:%S; }
log() { printf '%s[%s]%s %s\n' "$_C_LOG" "$(_ts)" "$_C_END" "$*" >&2; }
warn() { printf '%s[%s] warning:%s %s\n' "$_C_WARN" "$(_ts)" "$_C_END" "$*" >&2; }
fail() {
  printf '%s[%s] error:%s %s\n' "$_C_ERR" "$(_ts)" "$_C_END" "$*" >&2
  exit 1
}

is_root() { [[ "$(id -u)" -eq 0 ]]; }
have() { command -v "$1" >/dev/null 2>&1; }

docker_engine_available() { have docker && docker info >/dev/null 2>&1; }

# pnpm from PATH when installed, else the pinned version through npx (corepack cannot verify
# pnpm's signature on these machines, and nothing may require a global pnpm).
run_pnpm() {
  if have pnpm; then
    pnpm "$@"
  else
    npx -y "pnpm@${PNPM_VERSION}" "$@"
  fi
}

# Puts pnpm on the PATH when it is missing (`npm install -g`, as root or where npm's prefix is
# writable), so the README's `pnpm run ...` commands work as written after scripts/dev.sh. Where
# that is not possible, says how to run them instead; the scripts themselves never need it.
ensure_pnpm_on_path() {
  have pnpm && return 0
  local prefix
  prefix=$(npm prefix -g 2>/dev/null) || prefix=""
  if is_root || { [[ -n "$prefix" ]] && [[ -w "$prefix/bin" || -w "$prefix" ]]; }; then
    log "Installing pnpm ${PNPM_VERSION} on the PATH (npm install -g pnpm@${PNPM_VERSION})"
    if npm install -g --no-fund --no-audit "pnpm@${PNPM_VERSION}" >/dev/null 2>&1 && have pnpm; then return 0; fi
  fi
  warn "pnpm is not on the PATH: run the README's pnpm commands as npx -y pnpm@${PNPM_VERSION} <command>"
}

# Installs the lockfile's dependencies exactly; fails when pnpm-lock.yaml is out of date.
install_dependencies() {
  log "Installing dependencies (pnpm install --frozen-lockfile)"
  (cd "$REPO_ROOT" && run_pnpm install --frozen-lockfile) ||
    fail "pnpm install failed. If pnpm-lock.yaml is out of date, run: npx -y pnpm@${PNPM_VERSION} install"
}

# True when something accepts TCP connections on host:port.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_for_port HOST PORT SECONDS WHAT
wait_for_port() {
  local host=$1 port=$2 timeout=$3 what=$4 waited=0
  until port_open "$host" "$port"; do
    ((waited >= timeout * 10)) && fail "$what did not listen on $host:$port within ${timeout}s"
    sleep 0.1
    waited=$((waited + 1))
  done
}

# apt-get install, once per run, without prompts (CI has no stdin).
apt_install() {
  is_root || fail "Missing package(s) $*: install them (apt-get install $*) or run this script as root"
  have apt-get || fail "Missing package(s) $* and no apt-get to install them"
  if [[ -z "${_APT_UPDATED:-}" ]]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || fail "apt-get update failed"
    _APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    fail "apt-get install $* failed"
}

# Reads KEY=VALUE lines (comments and blanks skipped) from a dotenv file into the environment.
# Variables already set win, as in loadDotEnv(); pass --override to let the file win.
export_env_file() {
  local file=$1 override=${2:-} line key value
  [[ -f "$file" ]] || fail "$file not found"
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    key=${BASH_REMATCH[2]}
    value=${BASH_REMATCH[3]}
    if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}; fi
    if [[ "$override" == "--override" || -z "${!key+x}" ]]; then export "$key=$value"; fi
  done <"$file"
}

# N random bytes as hex, from the kernel (openssl is not on every fresh machine).
random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

# Prints the elapsed time since the given `date +%s` value, e.g. "1m 12s".
elapsed_since() {
  local s=$(($(date +%s) - $1))
  if ((s >= 60)); then printf '%dm %02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

# psql for scripts: no .psqlrc, no prompt, stop at the first error, unaligned tuples only.
sql() { psql -X -w -q -v ON_ERROR_STOP=1 -At "$@"; }

# host:port of a postgres URL (5432 when it names none), e.g. to tell whether two URLs name one server.
server_address() {
  local rest=${1#*://}
  rest=${rest##*@}
  rest=${rest%%/*}
  rest=${rest%%\?*}
  [[ "$rest" == *:* ]] || rest="$rest:5432"
  echo "$rest"
}
