# Offsite copies of the backups of scripts/ops/backup.sh on S3-compatible storage (AWS S3, MinIO,
# Cloudflare R2, Wasabi, Backblaze B2...), through the AWS CLI. Source it after lib/common.sh.
#
#   BACKUP_S3_BUCKET          bucket; unset: no offsite copy
#   BACKUP_S3_PREFIX          folder in the bucket (default helpdeskly): <prefix>/<UTC stamp>/...
#   BACKUP_S3_ENDPOINT        endpoint of an S3-compatible store (https://s3.eu-central-003.backblazeb2.com,
#                             http://minio:9000); unset: AWS. Path-style addressing when set
#   BACKUP_S3_REGION          region (default us-east-1)
#   BACKUP_S3_RETENTION_DAYS  remote backups older than this are deleted after an upload (default 30; 0: never)
#   BACKUP_S3_STORAGE_CLASS   optional, e.g. STANDARD_IA, GLACIER_IR
#   BACKUP_S3_SSE             optional server-side encryption: AES256 or aws:kms
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN), or any credential source of the
#   AWS CLI (instance profile, AWS_PROFILE...)
#
# A remote backup is complete once its SHA256SUMS is there: it is uploaded last, and a restore
# checks every file against it.
# shellcheck shell=bash

offsite_enabled() { [[ -n "${BACKUP_S3_BUCKET:-}" ]]; }

offsite_root() {
  local prefix=${BACKUP_S3_PREFIX-helpdeskly}
  prefix=${prefix#/}
  prefix=${prefix%/}
  echo "s3://$BACKUP_S3_BUCKET${prefix:+/$prefix}"
}

# The AWS CLI with the endpoint, region and path-style addressing of the variables above.
_offsite_config=''
s3() {
  have aws || fail "The AWS CLI is not installed (apt-get install awscli), needed for BACKUP_S3_BUCKET"
  if [[ -n "${BACKUP_S3_ENDPOINT:-}" && -z "$_offsite_config" ]]; then
    # Most S3-compatible stores want path-style addressing (bucket in the path, not the host name).
    _offsite_config=$(mktemp)
    printf '[default]\ns3 =\n  addressing_style = path\n' >"$_offsite_config"
  fi
  local args=(--region "${BACKUP_S3_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}")
  [[ -z "${BACKUP_S3_ENDPOINT:-}" ]] || args+=(--endpoint-url "$BACKUP_S3_ENDPOINT")
  if [[ -n "$_offsite_config" ]]; then
    AWS_CONFIG_FILE=$_offsite_config AWS_PAGER='' aws "${args[@]}" s3 "$@"
  else
    AWS_PAGER='' aws "${args[@]}" s3 "$@"
  fi
}

offsite_cleanup() {
  if [[ -n "$_offsite_config" ]]; then rm -f "$_offsite_config"; fi
}

# Writes FOLDER/SHA256SUMS: every file of the backup with its digest, paths relative to FOLDER.
write_checksums() {
  local folder=$1
  local sums
  sums=$(cd "$folder" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs -r -d '\n' sha256sum) || fail "Cannot checksum $folder"
  printf '%s\n' "$sums" >"$folder/SHA256SUMS"
}

# Checks FOLDER against its SHA256SUMS; fails naming the files that differ or are missing.
verify_checksums() {
  local folder=$1 report
  [[ -f "$folder/SHA256SUMS" ]] || fail "$folder has no SHA256SUMS: the backup is incomplete (an upload that did not finish?)"
  if ! report=$(cd "$folder" && sha256sum --check --strict --quiet SHA256SUMS 2>&1); then
    fail "$folder does not match its SHA256SUMS (corrupted or incomplete): ${report//$'\n'/; }"
  fi
}

# Uploads the backup folder FOLDER as <root>/<its name>/, SHA256SUMS last.
offsite_upload() {
  local folder=$1 name remote extra=()
  name=$(basename "$folder")
  remote="$(offsite_root)/$name"
  [[ -z "${BACKUP_S3_STORAGE_CLASS:-}" ]] || extra+=(--storage-class "$BACKUP_S3_STORAGE_CLASS")
  [[ -z "${BACKUP_S3_SSE:-}" ]] || extra+=(--sse "$BACKUP_S3_SSE")
  log "Uploading $name to $remote/"
  s3 cp --recursive --only-show-errors --exclude SHA256SUMS "${extra[@]}" "$folder" "$remote/" &&
    s3 cp --only-show-errors "${extra[@]}" "$folder/SHA256SUMS" "$remote/SHA256SUMS"
}

# The backup stamps under the root, one per line, oldest first (folders named like 20261202T030000Z).
offsite_stamps() {
  local listing errors status=0
  errors=$(mktemp)
  listing=$(s3 ls "$(offsite_root)/" 2>"$errors") || status=$?
  # `aws s3 ls` exits 1, saying nothing, when the prefix holds nothing yet: an empty list.
  if ((status != 0)) && [[ ! (status -eq 1 && ! -s "$errors") ]]; then
    cat "$errors" >&2
    rm -f "$errors"
    return 1
  fi
  rm -f "$errors"
  awk '$1 == "PRE" { sub("/$", "", $2); print $2 }' <<<"$listing" | grep -E '^20[0-9]{6}T[0-9]{6}Z$' | LC_ALL=C sort || true
}

# True when the remote backup STAMP has its SHA256SUMS (its upload finished).
offsite_complete() {
  s3 ls "$(offsite_root)/$1/SHA256SUMS" >/dev/null 2>&1
}

# Deletes the remote backups older than BACKUP_S3_RETENTION_DAYS, never KEEP (the one just uploaded).
offsite_prune() {
  local keep=$1 days=${BACKUP_S3_RETENTION_DAYS:-30} cutoff stamp stamps
  [[ "$days" =~ ^[0-9]+$ ]] || fail "BACKUP_S3_RETENTION_DAYS must be a number of days, got '$days'"
  ((days > 0)) || return 0
  cutoff=$(date -u -d "-$days days" +%Y%m%dT%H%M%SZ)
  stamps=$(offsite_stamps) || fail "Cannot list $(offsite_root)/ to apply the retention"
  while IFS= read -r stamp; do
    [[ -n "$stamp" && "$stamp" != "$keep" && "$stamp" < "$cutoff" ]] || continue
    log "Deleting remote backup $stamp (older than $days days)"
    s3 rm --recursive --only-show-errors "$(offsite_root)/$stamp/" || fail "Deleting the remote backup $stamp failed"
  done <<<"$stamps"
}

# Downloads the remote backup STAMP (or `latest`, the newest complete one) into DIR/<stamp> and
# checks it against its SHA256SUMS; prints that folder.
offsite_download() {
  local stamp=$1 dir=$2 candidate
  if [[ "$stamp" == latest ]]; then
    stamp=''
    while IFS= read -r candidate; do
      [[ -n "$candidate" ]] || continue
      if offsite_complete "$candidate"; then stamp=$candidate; fi
    done < <(offsite_stamps || fail "Cannot list $(offsite_root)/")
    [[ -n "$stamp" ]] || fail "$(offsite_root)/ holds no complete backup"
  fi
  [[ "$stamp" =~ ^20[0-9]{6}T[0-9]{6}Z$ ]] || fail "Not a backup stamp: '$stamp' (see --list-remote)"
  offsite_complete "$stamp" || fail "$(offsite_root)/$stamp/ is not a complete backup (no SHA256SUMS)"
  log "Downloading $(offsite_root)/$stamp/"
  s3 cp --recursive --only-show-errors "$(offsite_root)/$stamp/" "$dir/$stamp/" || fail "Downloading $(offsite_root)/$stamp/ failed"
  verify_checksums "$dir/$stamp"
  echo "$dir/$stamp"
}
