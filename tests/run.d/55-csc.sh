#!/usr/bin/env bash
# Remote signing suite (CSC API through the loopback test server on 127.0.0.1): see tests/csc/run.sh.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/../csc/run.sh"
