#!/usr/bin/env bash
# Fetches Debian's JDK 17 for another architecture (its jmods, which jlink on this machine
# links a runtime from) and the few libraries that runtime needs (libc6, libstdc++6,
# libgcc-s1, zlib1g), unpacked into DIR/root: the jmods in
# DIR/root/usr/lib/jvm/java-17-openjdk-ARCH/jmods, and DIR/root as the sysroot that
# qemu-user (qemu-ARCH-static -L DIR/root) runs the foreign runtime with.
#
# Usage: fetch-debian-jdk.sh ARCH DIR
#   ARCH  a Debian architecture (arm64)
#   DIR   where the packages and the root go; kept, so a second run downloads nothing
# Uses apt-get with a private state directory (DIR/apt) and this machine's Debian sources:
# the machine's dpkg architectures and package lists are not changed. Prints DIR/root.
set -euo pipefail

arch="${1:?usage: fetch-debian-jdk.sh ARCH DIR}"
dir="${2:?usage: fetch-debian-jdk.sh ARCH DIR}"
log() { printf 'fetch-debian-jdk: %s\n' "$*" >&2; }

packages=(openjdk-17-jdk-headless libc6 libstdc++6 libgcc-s1 zlib1g)
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
root="$dir/root"
jmods="$root/usr/lib/jvm/java-17-openjdk-$arch/jmods"
if [ -f "$root/.complete" ] && [ -f "$jmods/java.base.jmod" ]; then
  printf '%s\n' "$root"
  exit 0
fi

apt_dir="$dir/apt"
mkdir -p "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial" "$dir/debs"
: > "$apt_dir/status"
opts=(-o "APT::Architecture=$arch" -o "APT::Architectures::=$arch"
      -o "Dir::State=$apt_dir/state" -o "Dir::State::status=$apt_dir/status"
      -o "Dir::Cache=$apt_dir/cache" -o Debug::NoLocking=1
      -o APT::Sandbox::User=root)
log "package lists for $arch (private apt state in $apt_dir) ..."
apt-get "${opts[@]}" -qq update >&2
rm -f "$dir"/debs/*.deb
log "downloading ${packages[*]} for $arch ..."
(cd "$dir/debs" && apt-get "${opts[@]}" -qq download "${packages[@]/%/:$arch}" >&2)

rm -rf "$root"
mkdir -p "$root"
for deb in "$dir"/debs/*.deb; do
  dpkg-deb -x "$deb" "$root"
done
[ -f "$jmods/java.base.jmod" ] || { log "no $jmods/java.base.jmod in the downloaded packages"; exit 1; }
# what was fetched, for the package's notes
(cd "$dir/debs" && ls *.deb) > "$root/.complete"
printf '%s\n' "$root"
