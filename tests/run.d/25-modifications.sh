#!/usr/bin/env bash
# Modification-analysis suite (DocMDP, FieldMDP, sneaky signatures, shadow and incremental
# saving attacks, generated with pyHanko at test time): see tests/mdp/run.sh.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/../mdp/run.sh"
