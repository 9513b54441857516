#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages reactorkv needs to build, test and benchmark.
# Does nothing when every package is already present. Runs apt as root or through sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libjemalloc-dev liburing-dev liblzf-dev libhiredis-dev libgtest-dev
  liblua5.1-0-dev lua-cjson-dev lua-bitop-dev
  redis-server redis-tools python3 python3-matplotlib python3-redis nodejs node-redis clang-format
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian's redis-server package starts a system service on :6379; the tests and
# benchmarks start their own instances, so keep the port free for `make run`.
if command -v systemctl >/dev/null && systemctl is-active --quiet redis-server 2>/dev/null; then
  $sudo systemctl stop redis-server || true
fi
if pgrep -x redis-server >/dev/null 2>&1 && [ -x /etc/init.d/redis-server ]; then
  $sudo /etc/init.d/redis-server stop >/dev/null 2>&1 || true
fi
