# Sourced by tests/setup.sh and tests/setup.d/*.sh: Debian packages, installed only when missing
# (apt-get update is slow and needs the network). Needs root for apt-get (CI runs as root).
#
#   debian_packages WHO PKG...   apt-get installs those of PKG... that dpkg has not installed, and
#                                says what it did as "setup(WHO): …"

debian_packages() {
  local who=$1 p
  shift
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" 2> /dev/null | grep -q '^Status: install ok installed' || missing+=("$p")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    echo "setup($who): Debian packages present: ${*:-none needed}"
    return 0
  fi
  echo "setup($who): installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
}
