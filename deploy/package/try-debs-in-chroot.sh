#!/usr/bin/env bash
# Installs the amd64 Debian packages in a clean Debian root and runs the aggregation point
# the way its unit does, then purges them and lists what is left. Not part of the test
# suite (debootstrap alone takes minutes); run by hand, as root, after ./haap package:
#
#   deploy/package/try-debs-in-chroot.sh [--suite bookworm] [--keep] DEB...
#
# 1. debootstrap --variant=minbase SUITE into a fresh directory (the machine's Debian
#    mirror; debootstrap's downloads are kept in deploy/target/debootstrap-cache);
# 2. apt-get install of the dependencies, a snapshot of the root's files, then
#    apt-get install ./DEB... (the system user _haap appears, nothing is enabled);
# 3. the operator's steps: /etc/haap/aggregation-point.conf written, haap-check-config;
#    then the unit's ExecStartPre= and ExecStart= lines, read from
#    /lib/systemd/system/haap-ap.service, run in the root (chroot) as the unit's User=, in
#    a network namespace of its own with only loopback (haapt-chroot-PID), the
#    configuration handed over as systemd's LoadCredential= would (%d); /metrics is read
#    on 127.0.0.1 in that namespace; SIGTERM, and the exit status;
# 4. apt-get purge of the packages, a second snapshot, and the difference.
# Everything is removed at the end (the root too, unless --keep).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEPLOY="$(cd "$HERE/.." && pwd)"
suite=bookworm
keep=0
debs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) suite="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) debs+=("$(readlink -f "$1")"); shift ;;
  esac
done
[ ${#debs[@]} -gt 0 ] || { echo "usage: try-debs-in-chroot.sh [--suite S] [--keep] DEB..." >&2; exit 64; }
[ "$(id -u)" = 0 ] || { echo "needs root (debootstrap, chroot, network namespaces)" >&2; exit 1; }
for tool in debootstrap curl ip prlimit; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is missing (apt-get install debootstrap curl iproute2 util-linux)" >&2; exit 1; }
done
log() { printf '\n=== %s\n' "$*" >&2; }

mirror="$(sed -n 's/^URIs: *\(http[^ ]*debian\/*\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)"
mirror="${mirror:-http://deb.debian.org/debian}"
root="$(mktemp -d "${TMPDIR:-/var/tmp}/haapt-chroot.XXXXXX")"
chmod 0755 "$root"   # mktemp's 0700 would keep the service user out of its own /
ns="haapt-chroot-$$"
ap_pid=""
cleanup() {
  set +e
  [ -n "$ap_pid" ] && kill -KILL "$ap_pid" 2>/dev/null
  ip netns del "$ns" 2>/dev/null
  for m in "$root/dev" "$root/proc"; do
    mountpoint -q "$m" && umount -R -l "$m"
  done
  rm -f "$root.before" "$root.after" "$root.ap.log" "$root.debootstrap.log"
  if [ "$keep" = 1 ]; then echo "root kept: $root" >&2; else rm -rf --one-file-system "$root"; fi
}
trap cleanup EXIT
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }
# The root's files (not the package manager's caches and logs), with a checksum for /etc.
snapshot() {
  (cd "$root" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./tmp -o -path ./run \
      -o -path ./var/cache -o -path ./var/lib/apt -o -path ./var/lib/dpkg -o -path ./var/log \) -prune \
      -o -print | LC_ALL=C sort | while IFS= read -r f; do
        case "$f" in ./etc/*) [ -f "$f" ] && [ ! -L "$f" ] && f="$f $(md5sum < "$f" | cut -c1-12)" ;; esac
        printf '%s\n' "$f"
      done)
}

log "debootstrap --variant=minbase $suite $root ($mirror)"
cache="$DEPLOY/target/debootstrap-cache"
mkdir -p "$cache"
time debootstrap --variant=minbase --cache-dir="$cache" "$suite" "$root" "$mirror" > "$root.debootstrap.log" 2>&1 \
  || { tail -20 "$root.debootstrap.log" >&2; exit 1; }
rm -f "$root.debootstrap.log"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount --make-rslave "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"

log "dependencies first (so that the purge below is compared with them in place)"
in_root apt-get update -qq
deps="$(for d in "${debs[@]}"; do dpkg-deb -f "$d" Depends; dpkg-deb -f "$d" Recommends; done \
  | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' | grep -v '^haap-' | grep . | LC_ALL=C sort -u)"
echo "apt-get install $deps" | tr '\n' ' ' >&2; echo >&2
# shellcheck disable=SC2086
in_root apt-get install -y -qq --no-install-recommends $deps > /dev/null
snapshot > "$root.before"

log "apt-get install ${debs[*]##*/}"
mkdir -p "$root/tmp/debs"
cp "${debs[@]}" "$root/tmp/debs/"
in_root sh -c 'apt-get install -y -qq /tmp/debs/*.deb' 2>&1 | tail -3
in_root dpkg -l 'haap-*' | grep '^ii'
echo "system user: $(in_root getent passwd _haap)"
echo "enabled units (none expected): $(find "$root/etc/systemd/system" -name 'haap-*' 2>/dev/null | tr '\n' ' ')"

log "the operator's configuration, checked"
cookie="$(head -c 24 /dev/urandom | base64 | tr '/+' '_-')"
install -d -m 0755 "$root/etc/haap"
cat > "$root/etc/haap/aggregation-point.conf" <<EOF
haap.aggregation-point {
  listen = ["127.0.0.1:5124"]
  metrics { enabled = true, listen = "127.0.0.1:9124" }
  cookies = ["$cookie"]
  require-cookie = true
}
EOF
chmod 0600 "$root/etc/haap/aggregation-point.conf"
in_root haap-check-config /etc/haap/aggregation-point.conf | head -1

unit="$root/lib/systemd/system/haap-ap.service"
exec_start="$(sed -n 's/^ExecStart=//p' "$unit")"
exec_pre="$(sed -n 's/^ExecStartPre=[-+!@]*//p' "$unit")"
user="$(sed -n 's/^User=//p' "$unit")"
nofile="$(sed -n 's/^LimitNOFILE=//p' "$unit")"
log "the unit's lines: ExecStartPre=$exec_pre / ExecStart=$exec_start / User=$user / LimitNOFILE=$nofile"
# LoadCredential=haap.conf:/etc/haap/aggregation-point.conf: a copy readable by the service
cred_dir=/run/credentials/haap-ap.service
install -d -m 0500 -o "$(in_root id -u "$user")" "$root$cred_dir"
install -m 0400 -o "$(in_root id -u "$user")" "$root/etc/haap/aggregation-point.conf" "$root$cred_dir/haap.conf"
cmd="${exec_start//%d/$cred_dir}"
# LimitNOFILE=: this machine may not allow raising the hard limit that far (a container)
if ! prlimit --nofile="$nofile:$nofile" true 2>/dev/null; then
  echo "LimitNOFILE=$nofile not allowed here; the hard limit stays $(ulimit -Hn)"
  nofile="$(ulimit -Hn)"
fi
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
# ExecStartPre=-+ (full privileges, failure ignored)
# shellcheck disable=SC2086
ip netns exec "$ns" chroot "$root" $exec_pre || echo "(ExecStartPre failed; ignored, as '-' says)"
log "ExecStart, in network namespace $ns: $cmd"
# shellcheck disable=SC2086
ip netns exec "$ns" prlimit --nofile="$nofile:$nofile" chroot --userspec="$user:$user" "$root" \
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 $cmd > "$root.ap.log" 2>&1 &
ap_pid=$!
metrics=""
for _ in $(seq 1 120); do
  if metrics="$(ip netns exec "$ns" curl -sf --max-time 2 http://127.0.0.1:9124/metrics)"; then break; fi
  kill -0 "$ap_pid" 2>/dev/null || break
  sleep 0.5
done
cat "$root.ap.log" >&2
[ -n "$metrics" ] || { echo "FAIL: no /metrics" >&2; exit 1; }
echo "/metrics: $(printf '%s\n' "$metrics" | grep -vc '^#') samples, e.g.:"
printf '%s\n' "$metrics" | grep -E '^haap_' | head -5
echo "process: $(ps -o uid=,rss=,args= -p "$ap_pid" | cut -c1-160)"
kill -TERM "$ap_pid"
status=0
wait "$ap_pid" || status=$?
ap_pid=""
echo "exit status after SIGTERM: $status"

rm -rf "${root:?}$cred_dir"

log "apt-get purge"
pkgs="$(for d in "${debs[@]}"; do dpkg-deb -f "$d" Package; done | tr '\n' ' ')"
# the operator's configuration is theirs; the purge leaves it, so it goes first
rm -f "$root/etc/haap/aggregation-point.conf"
# shellcheck disable=SC2086
in_root apt-get purge -y -qq $pkgs 2>&1 | tail -3
echo "dpkg -l 'haap-*' after purge: $(in_root dpkg -l 'haap-*' 2>/dev/null | grep -c '^[a-z][a-z] ' || true) entries"
snapshot > "$root.after"
log "files changed or left by install + purge (diff of the two snapshots; /etc with checksums)"
diff "$root.before" "$root.after" || true
exit "$status"
