#!/usr/bin/env bash
# Creates SoftHSM2 test tokens from the test PKI (tests/pki/make-pki.sh output).
#
#   tests/softhsm/setup-token.sh OUTDIR PKIDIR
#
# OUTDIR gets softhsm2.conf and tokens/. Tokens (slot ids are random: find them by label):
#   kyso-test    SO PIN 12345678, user PIN 1234
#                  id 01 label ca-nhan : private key, public key, certificate of the individual signer
#                  id 02 label to-chuc : same for the organisation signer
#                  id 03 label ec-p256 : same for the EC P-256 signer
#                  id 10 label "CA G2", id 11 label "RootCA G2": the issuing CA's and the root's
#                  certificates, as VGCA tokens carry them (a signature must embed the chain)
#   kyso-nocert  SO PIN 12345678, user PIN 1234
#                  id 01 label ca-nhan : the individual signer's PRIVATE KEY ONLY (no public key, no
#                  certificate): like bit4id cards whose certificate must be supplied from a file.
# Prints the line `export SOFTHSM2_CONF=...` on stdout last. Quick when already done (stamp over the inputs).
set -euo pipefail

OUT=${1:?usage: setup-token.sh OUTDIR PKIDIR}
PKI=${2:?usage: setup-token.sh OUTDIR PKIDIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MODULE=${KYSO_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
SO_PIN=12345678
PIN=1234
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PKI=$(cd "$PKI" && pwd)
export SOFTHSM2_CONF=$OUT/softhsm2.conf

# Rebuild when this script or the imported keys/certificates changed (a new PKI has new keys).
SIGNERS=(ca-nhan:01 to-chuc:02 ec-p256:03)
STAMP_VALUE=$(cat "$HERE/setup-token.sh" "$PKI"/{ca-nhan,to-chuc,ec-p256}.{key.pem,pem} "$PKI"/{ca-g2,root-g2}.pem | sha256sum | cut -d' ' -f1)
if [[ -f "$OUT/.stamp" && "$(cat "$OUT/.stamp")" == "$STAMP_VALUE" ]] \
   && softhsm2-util --show-slots 2>/dev/null | grep -q 'Label: *kyso-nocert'; then
  echo "setup-token: $OUT is up to date" >&2
  echo "export SOFTHSM2_CONF=$SOFTHSM2_CONF"
  exit 0
fi

# A fresh token directory every time: re-initialising a token over an old one would leave stale objects.
rm -rf "$OUT/tokens" "$OUT/.stamp"
mkdir -p "$OUT/tokens" "$OUT/tmp"
cat > "$SOFTHSM2_CONF" <<CONF
# Written by tests/softhsm/setup-token.sh
directories.tokendir = $OUT/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF

p11() { pkcs11-tool --module "$MODULE" "$@"; }

for label in kyso-test kyso-nocert; do
  softhsm2-util --init-token --free --label "$label" --so-pin "$SO_PIN" --pin "$PIN" >&2
done

# Key pairs: softhsm2-util reads unencrypted PKCS#8 PEM and creates private + public key objects.
# Certificates: pkcs11-tool, DER, same CKA_ID and label as the key.
for s in "${SIGNERS[@]}"; do
  name=${s%%:*} id=${s##*:}
  softhsm2-util --import "$PKI/$name.key.pem" --token kyso-test --label "$name" --id "$id" --pin "$PIN" >&2
  openssl x509 -in "$PKI/$name.pem" -outform DER -out "$OUT/tmp/$name.der"
  p11 --token-label kyso-test --login --pin "$PIN" --write-object "$OUT/tmp/$name.der" --type cert \
    --id "$id" --label "$name" >&2
done

# CA certificates without keys, as on a VGCA token.
for ca in "ca-g2:10:CA G2" "root-g2:11:RootCA G2"; do
  IFS=: read -r name id label <<< "$ca"
  openssl x509 -in "$PKI/$name.pem" -outform DER -out "$OUT/tmp/$name.der"
  p11 --token-label kyso-test --login --pin "$PIN" --write-object "$OUT/tmp/$name.der" --type cert \
    --id "$id" --label "$label" >&2
done

# Private key only: pkcs11-tool writes just the CKO_PRIVATE_KEY object (softhsm2-util would add a public key).
openssl pkey -in "$PKI/ca-nhan.key.pem" -outform DER -out "$OUT/tmp/ca-nhan.key.der"
p11 --token-label kyso-nocert --login --pin "$PIN" --write-object "$OUT/tmp/ca-nhan.key.der" --type privkey \
  --id 01 --label ca-nhan --usage-sign >&2
rm -rf "$OUT/tmp"

# Check: list objects of both tokens (stderr, for the log).
for label in kyso-test kyso-nocert; do
  echo "setup-token: objects on $label:" >&2
  p11 --token-label "$label" --login --pin "$PIN" -O >&2
done

echo "$STAMP_VALUE" > "$OUT/.stamp"
echo "export SOFTHSM2_CONF=$SOFTHSM2_CONF"
