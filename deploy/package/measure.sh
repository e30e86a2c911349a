#!/usr/bin/env bash
# Measures an unpacked package (docs/packaging.md): start-up time of the aggregation point
# to its first accepted TCP connection, with and without the CDS archives, and its idle RSS.
# Runs in a private network namespace haapt-pkg-<random>, removed on exit. Needs root.
# Usage: measure.sh UNPACKED_DIR [RUNS]
set -euo pipefail
home="$(cd "$1" && pwd)"; runs="${2:-5}"
ns="haapt-pkg-$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
tmp="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -qw net.mptcp.enabled=1
cat > "$tmp/ap.conf" <<'CONF'
haap.aggregation-point {
  listen = ["127.0.0.1:5124"]
  metrics.listen = "127.0.0.1:9124"
}
CONF
# one start: ms from exec to the first successful connect(), into $ms
start_once() {
  local t0 t1
  t0=$(date +%s%N)
  ip netns exec "$ns" env -i PATH=/usr/bin:/bin "$@" "$home/bin/haap-ap" --config "$tmp/ap.conf" > "$tmp/ap.log" 2>&1 &
  pid=$!
  ip netns exec "$ns" bash -c 'until (exec 3<>/dev/tcp/127.0.0.1/5124) 2>/dev/null; do sleep 0.002; done'
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
}
stop() { kill -TERM "$pid"; wait "$pid" || true; pid=""; }
for mode in "app+base CDS" "base CDS only" "no CDS"; do
  case "$mode" in
    "app+base CDS") envs=() ;;
    "base CDS only") envs=(HAAP_CDS=off) ;;
    "no CDS") envs=(HAAP_CDS=off HAAP_JAVA_OPTS=-Xshare:off) ;;
  esac
  times=()
  for _ in $(seq 1 "$runs"); do start_once env "${envs[@]}"; times+=("$ms"); stop; done
  printf '%-14s start to first accepted connection (ms): %s  median %s\n' "$mode" "${times[*]}" \
    "$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
done
start_once env
sleep 10
echo "idle RSS after 10 s (AP, defaults, app CDS): $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status") ($(cat "/proc/$pid/comm"))"
stop
