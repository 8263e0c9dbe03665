#!/usr/bin/env bash
# Compile the JNA binding and its test with the JDK against Debian's jna.jar, and run the test:
#   bash bindings/java/run-tests.sh OUT LIBDIR ROOT.pem PKCS11_MODULE AT CHAIN.pem PLAIN.pdf
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$1 LIBDIR=$2
JNA=/usr/share/java/jna.jar
CLASSES=$OUT/java-classes
rm -rf "$CLASSES"
javac -Xlint:all -Werror -encoding UTF-8 -cp "$JNA" -d "$CLASSES" \
  "$HERE"/src/vn/kyso/*.java "$HERE"/test/vn/kyso/*.java
java -Djna.library.path="$LIBDIR" -cp "$CLASSES:$JNA" vn.kyso.KysoTest "$OUT" "${@:3}"
