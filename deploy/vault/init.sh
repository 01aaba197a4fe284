#!/bin/sh
# One-shot set-up of the Vault of docker-compose.vault.yml, run by its vault-init service on every
# `up` (idempotent): initialises Vault the first time (unseal key and root token into
# /vault/init/init.json, owner-only), unseals it after each restart, enables the KV v2 engine at
# secret/ and AppRole, writes the policy and AppRole role `helpdeskly`, writes Helpdeskly's secrets
# when they are absent, and leaves the AppRole credentials in /vault/init/helpdeskly-approle.env
# (VAULT_ROLE_ID, VAULT_SECRET_ID) for .env.production.
#
# Paths written (what @helpdeskly/secrets reads; libs/secrets/src/vault-secrets.ts VAULT_SECRETS):
#   secret/helpdeskly/jwt                        secret (signs), previous_secret, next_secret (verify)
#   secret/helpdeskly/db-encryption              v1 (v2...), current
#   secret/helpdeskly/database-servers/primary   username, password
# An existing deployment keeps its keys: JWT_SECRET and DB_ENCRYPTION_KEY, when set, are imported
# as they are (DB_ENCRYPTION_KEY must stay v1: the sealed tenant passwords need it). Otherwise new
# random ones are generated (a fresh install only).
#
# Variables: VAULT_ADDR (http://vault:8200), VAULT_INIT_SHARES / VAULT_INIT_THRESHOLD (1 / 1; use
# 5 / 3 and hand the keys to different people, or configure auto-unseal, for real production),
# HELPDESKLY_DB_PASSWORD (the primary server's password), JWT_SECRET, DB_ENCRYPTION_KEY (imports).
set -eu

: "${VAULT_ADDR:=http://vault:8200}"
export VAULT_ADDR
state=/vault/init
shares=${VAULT_INIT_SHARES:-1}
threshold=${VAULT_INIT_THRESHOLD:-1}
umask 077

log() { printf '[vault-init] %s\n' "$*"; }
random_secret() { head -c 48 /dev/urandom | base64 | tr -d '\n/+=' | cut -c1-48; }
# vault status exits 0 unsealed, 2 sealed, 1 error.
status_code() {
  code=0
  vault status >/dev/null 2>&1 || code=$?
  echo "$code"
}

tries=0
while [ "$(status_code)" = 1 ]; do
  tries=$((tries + 1))
  [ "$tries" -le 60 ] || { log "Vault at $VAULT_ADDR does not answer"; exit 1; }
  sleep 1
done

if vault status -format=json | grep -q '"initialized": false'; then
  log "Initialising Vault ($shares key share(s), threshold $threshold)"
  vault operator init -key-shares="$shares" -key-threshold="$threshold" -format=json >"$state/init.json"
  log "Unseal key(s) and root token written to $state/init.json: move them somewhere safe"
fi
[ -s "$state/init.json" ] || { log "Vault is initialised but $state/init.json is missing: unseal it by hand"; exit 1; }

if [ "$(status_code)" = 2 ]; then
  log "Unsealing"
  # The unseal keys are the strings of the unseal_keys_b64 array of init.json.
  sed -n '/"unseal_keys_b64"/,/]/p' "$state/init.json" | grep -o '"[A-Za-z0-9+/=]\{20,\}"' | tr -d '"' | head -n "$threshold" |
    while read -r key; do vault operator unseal "$key" >/dev/null; done
fi
[ "$(status_code)" = 0 ] || { log "Vault is still sealed"; exit 1; }

VAULT_TOKEN=$(grep -o '"root_token": *"[^"]*"' "$state/init.json" | sed 's/.*"\([^"]*\)"$/\1/')
export VAULT_TOKEN

vault secrets list -format=json | grep -q '"secret/"' || { log "Enabling KV v2 at secret/"; vault secrets enable -path=secret -version=2 kv; }
vault auth list -format=json | grep -q '"approle/"' || { log "Enabling AppRole"; vault auth enable approle; }

# Read-only, on Helpdeskly's paths only.
vault policy write helpdeskly - <<'POLICY' >/dev/null
path "secret/data/helpdeskly/*" {
  capabilities = ["read"]
}
POLICY
vault write auth/approle/role/helpdeskly token_policies=helpdeskly token_ttl=1h token_max_ttl=4h secret_id_ttl=0 >/dev/null

put_if_absent() {
  path=$1
  shift
  if vault kv get -mount=secret "$path" >/dev/null 2>&1; then
    log "secret/$path exists: kept"
  else
    vault kv put -mount=secret "$path" "$@" >/dev/null
    log "secret/$path written"
  fi
}
put_if_absent helpdeskly/jwt secret="${JWT_SECRET:-$(random_secret)}"
put_if_absent helpdeskly/db-encryption v1="${DB_ENCRYPTION_KEY:-$(random_secret)}" current=v1
put_if_absent helpdeskly/database-servers/primary username=helpdeskly password="${HELPDESKLY_DB_PASSWORD:?HELPDESKLY_DB_PASSWORD is not set}"

if [ ! -s "$state/helpdeskly-approle.env" ]; then
  role_id=$(vault read -field=role_id auth/approle/role/helpdeskly/role-id)
  secret_id=$(vault write -f -field=secret_id auth/approle/role/helpdeskly/secret-id)
  printf 'VAULT_ROLE_ID=%s\nVAULT_SECRET_ID=%s\n' "$role_id" "$secret_id" >"$state/helpdeskly-approle.env"
  log "AppRole credentials written to $state/helpdeskly-approle.env: copy them into .env.production"
fi
log "Vault ready"
