#!/usr/bin/env bash
# Long-term validation suite (time-stamps, DSS, B-LTA, offline validation): see tests/ltv/run.sh.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/../ltv/run.sh"
