#!/usr/bin/env bash
# Build the C# P/Invoke binding and its test with Mono's mcs, and run the test with mono:
#   bash bindings/dotnet/run-tests.sh OUT LIBDIR ROOT.pem PKCS11_MODULE AT CHAIN.pem PLAIN.pdf
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$1 LIBDIR=$2
mcs -warnaserror -nologo -target:library -out:"$OUT/Kyso.dll" "$HERE/Kyso.cs"
mcs -warnaserror -nologo -r:"$OUT/Kyso.dll" -out:"$OUT/kyso-test.exe" "$HERE/KysoTest.cs"
LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" mono --debug "$OUT/kyso-test.exe" "$OUT" "${@:3}"
