#!/usr/bin/env bash
# Judges a signed PDF with pyHanko (an independent implementation), offline.
#
#   tests/interop/pyhanko-validate.sh FILE.pdf ROOT.pem [CHAIN.pem ...]
#
# ROOT.pem is the only trust anchor (--trust-replace: the OS trust list is not mixed in); CHAIN files are
# offered as intermediates (--other-certs). Revocation is not checked. KYSO_VALIDATION_TIME (ISO 8601)
# overrides the validation time. Prints pyHanko's pretty report, then one summary line per signature.
# Exit 0 only if there is at least one signature and every one is INTACT, TRUSTED and has no illegal
# modifications after it; 1 otherwise; 2 on usage errors.
set -euo pipefail

[[ $# -ge 2 ]] || { echo "usage: $0 FILE.pdf ROOT.pem [CHAIN.pem ...]" >&2; exit 2; }
FILE=$1 ROOT=$2; shift 2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PYHANKO=${KYSO_PYHANKO:-$HERE/../.venv/bin/pyhanko}
[[ -x $PYHANKO ]] || { echo "pyhanko-validate: $PYHANKO not found (run tests/setup.sh)" >&2; exit 2; }

args=(sign validate --trust-replace --trust "$ROOT" --no-revocation-check)
for c in "$@"; do args+=(--other-certs "$c"); done
[[ -n ${KYSO_VALIDATION_TIME:-} ]] && args+=(--validation-time "$KYSO_VALIDATION_TIME")

# Human-readable report, for the log. Its exit code is judged from the summary run below.
"$PYHANKO" "${args[@]}" --pretty-print "$FILE" 2>&1 || true

# Machine-readable summary: one "FIELD:SHA256:INTACT|...:FLAG,FLAG,..." line per signature.
set +e
summary=$("$PYHANKO" "${args[@]}" "$FILE" 2>/dev/null)
rc=$?
set -e
echo "--- pyHanko summary (exit $rc):"
echo "$summary"

ok=1 count=0
while IFS= read -r line; do
  [[ -z $line ]] && continue
  count=$((count + 1))
  # FIELD:SHA256:STATUS:FLAGS. Field names may contain ':' and flags may too
  # (TIMESTAMP_TOKEN<INTACT:TRUSTED>), so anchor on the 64-hex-digit fingerprint.
  if [[ $line =~ ^(.*):([0-9a-f]{64}):([A-Z_]+):?(.*)$ ]]; then
    status=${BASH_REMATCH[3]} flags=${BASH_REMATCH[4]}
  else
    echo "pyhanko-validate: unparsable summary line: $line"; ok=0; continue
  fi
  # Only the signature's own flags, not those inside a time-stamp token's <…>.
  flags=$(sed 's/<[^>]*>//g' <<< "$flags")
  if [[ $status != INTACT ]]; then echo "pyhanko-validate: not intact: $line"; ok=0; fi
  if [[ ",$flags," != *,TRUSTED,* ]]; then echo "pyhanko-validate: not trusted: $line"; ok=0; fi
  if [[ ",$flags," == *,ILLEGAL_MODIFICATIONS,* ]]; then echo "pyhanko-validate: illegal modifications: $line"; ok=0; fi
done <<< "$summary"

if [[ $count -eq 0 ]]; then echo "pyhanko-validate: FAIL: no signatures in $FILE"; exit 1; fi
if [[ $rc -ne 0 || $ok -ne 1 ]]; then echo "pyhanko-validate: FAIL: $FILE"; exit 1; fi
echo "pyhanko-validate: OK: $count signature(s) intact, valid and trusted in $FILE"
