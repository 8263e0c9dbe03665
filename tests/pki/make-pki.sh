#!/usr/bin/env bash
# Builds the kyso test PKI into OUTDIR from the committed OpenSSL configs next to this script.
#
#   tests/pki/make-pki.sh OUTDIR          (PORT=18080 by default: the local CRL/OCSP/AIA server port)
#
# Validity windows are fixed dates (not "now + N days") so that tests pinned to a validation time do not rot.
# Keys are random on every build; names, serials, dates and extensions are fixed.
# Quick when already built: a stamp file records a hash of the recipe, and nothing is redone while it matches.
# See tests/pki/README.md for the list of files.
set -euo pipefail

OUT=${1:?usage: make-pki.sh OUTDIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PORT=${PORT:-18080}
PASS=kyso-test

# Rebuild only when the recipe or the port changed.
STAMP_VALUE=$(cat "$HERE/make-pki.sh" "$HERE/ca.cnf" "$HERE/ext.cnf" "$HERE/req.cnf" <(echo "$PORT") | sha256sum | cut -d' ' -f1)
if [[ -f "$OUT/.stamp" && "$(cat "$OUT/.stamp")" == "$STAMP_VALUE" ]]; then
  echo "make-pki: $OUT is up to date"
  exit 0
fi

rm -rf "$OUT"
mkdir -p "$OUT/db"
OUT=$(cd "$OUT" && pwd)
cd "$OUT"

CA_CNF=$HERE/ca.cnf
EXT_CNF=$HERE/ext.cnf
REQ_CNF=$HERE/req.cnf
# Keep the system openssl.cnf (and its provider/security settings) out of the build.
export OPENSSL_CONF=$REQ_CNF

log() { echo "make-pki: $*"; }

# Unencrypted PKCS#8 keys.
rsa_key() { openssl genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "$1.key.pem"; }
ec_key() { openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve -out "$1.key.pem"; }

# New CA database: each CA has its own index.txt (for openssl ca -revoke/-gencrl and openssl ocsp later).
new_db() {
  mkdir -p "db/$1/newcerts"
  : > "db/$1/index.txt"
  echo "unique_subject = no" > "db/$1/index.txt.attr"
  echo 01 > "db/$1/crlnumber"
}

# issue NAME ISSUER SUBJECT EXT_SECTION START END SERIAL_HEX MD
#   ISSUER is the name of an existing CA (its NAME.pem/NAME.key.pem), or "self" for a self-signed root.
issue() {
  local name=$1 issuer=$2 subject=$3 ext=$4 start=$5 end=$6 serial=$7 md=$8
  openssl req -new -utf8 -config "$REQ_CNF" -key "$name.key.pem" -subj "$subject" -out "db/$name.csr"
  local db=$issuer signer=(-cert "$issuer.pem" -keyfile "$issuer.key.pem")
  if [[ $issuer == self ]]; then
    db=$name
    signer=(-selfsign -keyfile "$name.key.pem")
  fi
  echo "$serial" > "db/$db/serial"
  CA_DIR=$OUT/db/$db openssl ca -batch -notext -utf8 -preserveDN -config "$CA_CNF" \
    -extfile "$EXT_CNF" -extensions "$ext" -md "$md" \
    -startdate "$start" -enddate "$end" "${signer[@]}" \
    -in "db/$name.csr" -out "$name.pem" 2> "db/$name.log" || { cat "db/$name.log" >&2; return 1; }
}

# Writes NAME.chain.pem (issuers up to the root, leaf excluded), NAME.fullchain.pem (leaf first) and
# NAME.p12 (key + leaf + issuers, OpenSSL 3 defaults: PBES2/PBKDF2/AES-256-CBC, SHA-256 MAC).
bundle() {
  local name=$1; shift
  local c
  : > "$name.chain.pem"
  for c in "$@"; do cat "$c.pem" >> "$name.chain.pem"; done
  cat "$name.pem" "$name.chain.pem" > "$name.fullchain.pem"
  openssl pkcs12 -export -inkey "$name.key.pem" -in "$name.pem" -certfile "$name.chain.pem" \
    -name "$name" -passout "pass:$PASS" -out "$name.p12"
}

der() { openssl x509 -in "$1.pem" -outform DER -out "$1.der"; }

# ---------------------------------------------------------------------------------------------
# G2-style hierarchy: root RSA-4096 -> issuing CA RSA-4096 (pathlen 0) -> leaves. SHA-256.
ROOT_START=240101000000Z ROOT_END=440101000000Z
CA_START=240101000000Z CA_END=390101000000Z
LEAF_START=250101000000Z LEAF_END=300101000000Z

log "G2 root and issuing CA (RSA-4096)"
new_db root-g2
rsa_key root-g2 4096
issue root-g2 self "/C=VN/O=Ban Cơ yếu Chính phủ (kiểm thử)/CN=RootCA Kiểm thử kyso G2" \
  root_g2 "$ROOT_START" "$ROOT_END" 01 sha256

new_db ca-g2
rsa_key ca-g2 4096
issue ca-g2 root-g2 "/C=VN/O=Ban Cơ yếu Chính phủ (kiểm thử)/CN=CA Kiểm thử kyso phục vụ các cơ quan Nhà nước G2" \
  ca_g2 "$CA_START" "$CA_END" 02 sha256

log "G2 signers"
# Individual (cá nhân): title attribute 2.5.4.12 and the citizen ID as UID=CCCD:.
rsa_key ca-nhan 2048
issue ca-nhan ca-g2 "/C=VN/L=Gia Lai/O=Sở Khoa học và Công nghệ tỉnh Gia Lai/title=Giám đốc/CN=Nguyễn Văn An/UID=CCCD:064085001234" \
  individual "$LEAF_START" "$LEAF_END" 1001 sha256

# Organisation (cơ quan, tổ chức): tax code (MST) and budget-unit code (MNS) as UIDs, like the real CA.
rsa_key to-chuc 2048
issue to-chuc ca-g2 "/C=VN/L=Gia Lai/O=Sở Khoa học và Công nghệ tỉnh Gia Lai/CN=Sở Khoa học và Công nghệ tỉnh Gia Lai/UID=MNS:1234567/UID=MST:5900123456" \
  organisation "$LEAF_START" "$LEAF_END" 1002 sha256

ec_key ec-p256
issue ec-p256 ca-g2 "/C=VN/L=Gia Lai/O=Sở Khoa học và Công nghệ tỉnh Gia Lai/CN=Trần Thị Bình (EC P-256)/UID=CCCD:064190004321" \
  ec_signer "$LEAF_START" "$LEAF_END" 1003 sha256

# Expired long ago (valid 2020-01-01 .. 2021-01-01).
rsa_key expired 2048
issue expired ca-g2 "/C=VN/L=Gia Lai/O=Sở Khoa học và Công nghệ tỉnh Gia Lai/CN=Lê Văn Cũ (hết hạn)/UID=CCCD:064070009999" \
  individual 200101000000Z 210101000000Z 1004 sha256

# Valid dates, revoked on 2025-06-01 (keyCompromise) in ca-g2.crl.pem.
rsa_key revoked 2048
issue revoked ca-g2 "/C=VN/L=Gia Lai/O=Sở Khoa học và Công nghệ tỉnh Gia Lai/CN=Phạm Văn Thu Hồi (đã thu hồi)/UID=CCCD:064080005555" \
  individual "$LEAF_START" "$LEAF_END" 1005 sha256

log "TSA and OCSP responder certificates"
rsa_key tsa 2048
issue tsa ca-g2 "/C=VN/O=Ban Cơ yếu Chính phủ (kiểm thử)/CN=Máy chủ cấp dấu thời gian kiểm thử" \
  tsa "$LEAF_START" "$LEAF_END" 1006 sha256
rsa_key ocsp 2048
issue ocsp ca-g2 "/C=VN/O=Ban Cơ yếu Chính phủ (kiểm thử)/CN=Máy chủ OCSP kiểm thử" \
  ocsp "$LEAF_START" "$LEAF_END" 1007 sha256

# Negative serial -0x1234. openssl ca cannot write one (its serial file is unsigned hex) and OpenSSL 3.0's
# "x509 -req -set_serial -0x1234" can, but has no fixed start date. So: issue with serial 0x1234
# (DER 02 02 12 34), patch the two value bytes to ED CC (= -0x1234, same length), and re-sign the TBS with
# the CA key. Same length means no DER length changes; the RSA-4096 signature is the last 512 bytes.
log "negative-serial leaf"
rsa_key neg-serial 2048
issue neg-serial ca-g2 "/C=VN/L=Gia Lai/O=Sở Khoa học và Công nghệ tỉnh Gia Lai/CN=Hoàng Văn Âm (serial âm)/UID=CCCD:064088007777" \
  individual "$LEAF_START" "$LEAF_END" 1234 sha256
openssl x509 -in neg-serial.pem -outform DER -out db/neg.der
# asn1parse lines look like "    6:d=2  hl=2 l=   2 prim: INTEGER  :1234": normalise to "off depth hl len rest".
asn1_rows() { openssl asn1parse -inform DER -in "$1" | sed -E 's/^ *([0-9]+):d=([0-9]+) +hl=([0-9]+) +l= *([0-9]+) +/\1 \2 \3 \4 /'; }
# The TBSCertificate is the first depth-1 element; the serial is the first INTEGER at depth 2 (the version
# INTEGER sits at depth 3 inside [0]).
read -r toff _ thl tlen _ < <(asn1_rows db/neg.der | awk '$2==1 {print; exit}')
read -r soff _ shl _ < <(asn1_rows db/neg.der | awk '$2==2 && /prim: INTEGER/ {print; exit}')
printf '\xed\xcc' | dd of=db/neg.der bs=1 seek=$((soff + shl)) conv=notrunc status=none
dd if=db/neg.der of=db/neg.tbs bs=1 skip="$toff" count=$((thl + tlen)) status=none
openssl dgst -sha256 -sign ca-g2.key.pem -out db/neg.sig db/neg.tbs
total=$(stat -c %s db/neg.der); siglen=$(stat -c %s db/neg.sig)
{ head -c $((total - siglen)) db/neg.der; cat db/neg.sig; } > db/neg2.der
openssl x509 -inform DER -in db/neg2.der -out neg-serial.pem
[[ "$(openssl x509 -in neg-serial.pem -noout -serial)" == "serial=-1234" ]] || { echo "negative serial patch failed" >&2; exit 1; }
# Keep the CA database consistent (openssl ocsp prints serials the same way: -1234).
sed -i 's/\t1234\t/\t-1234\t/' db/ca-g2/index.txt

# ---------------------------------------------------------------------------------------------
# G1-style hierarchy, with the real CA's quirks: SHA-1 everywhere, a root serial with its top bit set
# (00 FF 30 3A ...), an empty IssuerAltName on the sub-CA, a nonRepudiation-only leaf, names without
# diacritics.
log "G1 chain (SHA-1, quirks)"
new_db root-g1
rsa_key root-g1 2048
issue root-g1 self "/C=VN/O=Ban Co yeu Chinh phu (kiem thu)/CN=RootCA G1 kiem thu" \
  root_g1 100101000000Z 300101000000Z FF303AE4E90AC1ED sha1

new_db ca-g1
rsa_key ca-g1 2048
issue ca-g1 root-g1 "/C=VN/O=Ban Co yeu Chinh phu (kiem thu)/CN=Co quan chung thuc so Chinh phu kiem thu" \
  ca_g1 100101000000Z 300101000000Z 61A1B2C3000000000002 sha1

rsa_key g1-leaf 2048
issue g1-leaf ca-g1 "/C=VN/L=Gia Lai/O=So Khoa hoc va Cong nghe tinh Gia Lai/CN=Nguyen Van Cu (G1)" \
  leaf_g1 250101000000Z 300101000000Z 3F00000000000000000A sha1

# ---------------------------------------------------------------------------------------------
log "bundles, PKCS#12, DER copies"
for s in ca-nhan to-chuc ec-p256 expired revoked neg-serial tsa ocsp; do bundle "$s" ca-g2 root-g2; done
bundle g1-leaf ca-g1 root-g1
for c in root-g2 ca-g2 root-g1 ca-g1; do der "$c"; done
cat ca-g2.pem root-g2.pem > ca-g2.chain.pem
cat ca-g1.pem root-g1.pem > ca-g1.chain.pem

# ---------------------------------------------------------------------------------------------
# CRLs with fixed thisUpdate/nextUpdate (the CA's lifetime): an empty one first, then revoke and re-issue.
log "CRLs"
crl() {  # crl CA OUT
  CA_DIR=$OUT/db/$1 openssl ca -batch -gencrl -config "$CA_CNF" -cert "$1.pem" -keyfile "$1.key.pem" \
    -md "$3" -crl_lastupdate 250701000000Z -crl_nextupdate "$4" -out "$2.pem" 2> "db/$2.log" \
    || { cat "db/$2.log" >&2; return 1; }
  openssl crl -in "$2.pem" -outform DER -out "$2.der"
}
crl ca-g2 ca-g2-empty.crl sha256 390101000000Z
crl root-g2 root-g2.crl sha256 440101000000Z
crl root-g1 root-g1.crl sha1 300101000000Z
crl ca-g1 ca-g1.crl sha1 300101000000Z
CA_DIR=$OUT/db/ca-g2 openssl ca -batch -config "$CA_CNF" -cert ca-g2.pem -keyfile ca-g2.key.pem \
  -revoke revoked.pem -crl_reason keyCompromise 2> db/revoke1.log
CA_DIR=$OUT/db/ca-g2 openssl ca -batch -config "$CA_CNF" -cert ca-g2.pem -keyfile ca-g2.key.pem \
  -revoke expired.pem -crl_reason superseded 2> db/revoke2.log
# openssl ca records "now" as the revocation date: pin it (index.txt column 3) so the CRL is reproducible.
awk -F'\t' 'BEGIN{OFS="\t"} $4=="1005"{$3="250601000000Z,keyCompromise"} $4=="1004"{$3="200601000000Z,superseded"} {print}' \
  db/ca-g2/index.txt > db/ca-g2/index.tmp && mv db/ca-g2/index.tmp db/ca-g2/index.txt
crl ca-g2 ca-g2.crl sha256 390101000000Z
# The issuing CA's database at the top level, for openssl ocsp -index.
cp db/ca-g2/index.txt index.txt

echo "$STAMP_VALUE" > .stamp
log "done: $OUT ($(ls "$OUT" | wc -l) entries)"
