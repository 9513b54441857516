#!/usr/bin/env bash
# Byte-for-byte reply comparison of reactorkv against Debian's redis-server 7.0.
#
# For each tests/compat/*.txt (or the files given as arguments) it starts a fresh
# redis-server and a fresh reactorkv on free loopback ports, then runs
#   python3 ../shared/tools/resp-diff.py --ref REDIS --test OURS --flush FILE
# once in RESP2 and once with --resp3, prints a summary, and exits 1 on any difference.
# Then tools/notify-diff.py compares the keyspace notifications (and change counts) of
# tests/notify/*.txt the same way (given files under tests/notify/ go to it instead).
# Skips (exit 0, with a message) when resp-diff.py or redis-server is not installed.
#
#   tools/compat-check.sh                       # every file, build/reactorkv-server
#   tools/compat-check.sh tests/compat/keys.txt
#   tools/compat-check.sh tests/notify/list.txt
#   RKV_SERVER=build-asan/reactorkv-server tools/compat-check.sh
#
# Both servers get the same flags: --save '' --appendonly no --enable-debug-command yes.
# Ports come from 7300-7399 (RKV_PORT_RANGE=lo-hi to change). Nothing is left running.
set -uo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
server="${RKV_SERVER:-$repo/build/reactorkv-server}"
redis="${REDIS_SERVER:-$(command -v redis-server || true)}"
diff_tool="$repo/../shared/tools/resp-diff.py"
port_range="${RKV_PORT_RANGE:-7300-7399}"
per_file_timeout="${RKV_COMPAT_TIMEOUT:-120}"

if [ ! -f "$diff_tool" ]; then
  echo "compat-check: skipped: $diff_tool not found"
  exit 0
fi
if [ -z "$redis" ] || [ ! -x "$redis" ]; then
  echo "compat-check: skipped: redis-server not installed (apt-get install redis-server)"
  exit 0
fi
if [ ! -x "$server" ]; then
  echo "compat-check: no server binary at $server (build it first, or set RKV_SERVER)" >&2
  exit 2
fi

files=()
notify_files=()
if [ $# -gt 0 ]; then
  for f in "$@"; do
    case "$f" in
      */notify/*) notify_files+=("$f") ;;
      *) files+=("$f") ;;
    esac
  done
else
  shopt -s nullglob
  files=("$repo"/tests/compat/*.txt)
  notify_files=("$repo"/tests/notify/*.txt)
  shopt -u nullglob
fi
if [ ${#files[@]} -eq 0 ] && [ ${#notify_files[@]} -eq 0 ]; then
  echo "compat-check: no tests/compat/*.txt files"
  exit 0
fi

workdir="$(mktemp -d /tmp/rkv-compat.XXXXXX)"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  pids=()
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Prints a free 127.0.0.1 port in the range, skipping the ones given as arguments.
free_port() {
  python3 - "$repo/tools" "$port_range" "$@" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from benchlib import free_port
lo, hi = (int(x) for x in sys.argv[2].split("-"))
print(free_port(lo, hi, {int(x) for x in sys.argv[3:]}))
EOF
}

# Waits up to 10 s for a PONG on the port; fails early when the process is gone.
wait_ready() {
  local pid=$1 port=$2
  for _ in $(seq 1 200); do
    kill -0 "$pid" 2>/dev/null || return 1
    python3 -c "import socket,sys
s=socket.create_connection(('127.0.0.1',$port),timeout=0.5); s.sendall(b'PING\r\n')
sys.exit(0 if s.recv(16).startswith(b'+PONG') else 1)" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# start NAME BINARY PORT: starts a server, appends its pid to pids.
start() {
  local name=$1 bin=$2 port=$3
  "$bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$workdir" \
    --enable-debug-command yes >"$workdir/$name.log" 2>&1 </dev/null &
  local pid=$!
  pids+=("$pid")
  if ! wait_ready "$pid" "$port"; then
    echo "compat-check: $name did not start on port $port:" >&2
    tail -n 20 "$workdir/$name.log" >&2
    return 1
  fi
}

failed=0
summary=()

# record LABEL TOOL RC OUTPUT: prints a tool's output and adds its summary line (the
# output's last line, or why there is none worth showing).
record() {
  local label=$1 tool=$2 rc=$3 out=$4
  echo "$out"
  local last
  last="$(printf '%s\n' "$out" | tail -n 1)"
  if [ "$rc" -eq 0 ]; then
    summary+=("ok    $label: $last")
    return
  fi
  failed=1
  if [ "$rc" -eq 124 ]; then
    last="timed out after ${per_file_timeout}s"
  elif ! printf '%s' "$last" | grep -q 'difference(s)'; then
    last="$tool failed (exit $rc): $last"
  fi
  summary+=("FAIL  $label: $last")
}
for file in "${files[@]}"; do
  name="$(basename "$file")"
  ref_port="$(free_port)"
  test_port="$(free_port "$ref_port")"
  if ! start redis "$redis" "$ref_port" || ! start reactorkv "$server" "$test_port"; then
    cleanup
    exit 2
  fi
  for mode in resp2 resp3; do
    flags=(--ref "$ref_port" --test "$test_port" --flush)
    [ "$mode" = resp3 ] && flags+=(--resp3)
    echo "=== $name ($mode)"
    out="$(timeout "$per_file_timeout" python3 "$diff_tool" "${flags[@]}" "$file" 2>&1)"
    record "$name $mode" resp-diff $? "$out"
    for p in "${pids[@]}"; do
      if ! kill -0 "$p" 2>/dev/null; then
        summary+=("FAIL  $name $mode: a server exited during the run (pid $p)")
        failed=1
      fi
    done
  done
  cleanup
  workdir="$(mktemp -d /tmp/rkv-compat.XXXXXX)"
done

if [ ${#notify_files[@]} -gt 0 ]; then
  echo "=== keyspace notifications (tools/notify-diff.py)"
  out="$(RKV_PORT_RANGE="$port_range" timeout "$per_file_timeout" python3 "$repo/tools/notify-diff.py" \
    --server "$server" --redis "$redis" "${notify_files[@]}" 2>&1)"
  record notifications notify-diff $? "$out"
fi

echo
echo "compat-check summary (ref: $redis, test: $server)"
printf '  %s\n' "${summary[@]}"
if [ $failed -ne 0 ]; then
  echo "compat-check: differences found"
  exit 1
fi
echo "compat-check: all replies identical"
exit 0
