#!/usr/bin/env bash
# Builds the Debian packages from a staged package directory (what build-package.sh puts in
# the tarball), with dpkg-deb:
#   haap-runtime_V_ARCH.deb            the jlink runtime, the jars, the CDS archive, the
#                                      launchers (/usr/lib/haap), /usr/bin/haap-check-config
#   haap-aggregation-point_V_all.deb   /usr/sbin/haap-ap, haap-ap.service, the sysctl file
#   haap-gateway_V_all.deb             /usr/sbin/haap-gateway, haap-gateway.service, the
#                                      sysctl file, the nftables rules and policy routing
#                                      (conffiles in /etc/haap)
# The two roles share one runtime package, so a mirror or a fleet holds the runtime once per
# architecture; the role packages hold no machine code. Nothing is enabled or started: the
# maintainer scripts create the system user _haap, reload systemd's units and, on removal,
# stop a running service. See docs/packaging.md, "Debian packages".
#
# Usage: build-debs.sh --stage DIR --arch amd64|arm64 --version V --out DIR [--lintian]
#   --lintian   run lintian on the packages; fail on an error (E:) tag
# Prints each package's path on stdout.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stage="" arch="" version="" out="" lint=0
log() { printf 'debs: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --stage) stage="$2"; shift 2 ;;
    --arch) arch="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --lintian) lint=1; shift ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option: $1 (try --help)" ;;
  esac
done
[ -d "$stage/runtime" ] || die "--stage DIR: not a staged package (no runtime/)"
case "$arch" in amd64|arm64) ;; *) die "--arch amd64|arm64" ;; esac
[ -n "$version" ] && [ -n "$out" ] || die "--version and --out are needed"
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb is missing"

# Debian version: 0.1.0-SNAPSHOT sorts before 0.1.0 as 0.1.0~SNAPSHOT. No Debian revision:
# these are native packages built from the project's own tree.
deb_version="${version//-/\~}"
# the Maintainer field: set HAAP_DEB_MAINTAINER to the packager building them for a fleet
maintainer="${HAAP_DEB_MAINTAINER:-HAAP developers <haap@users.noreply.github.com>}"
work="$(mktemp -d "${TMPDIR:-/tmp}/haap-debs.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Shared files of every package: copyright, changelog, lintian overrides.
doc_files() {
  local root="$1" pkg="$2"
  local doc="$root/usr/share/doc/$pkg"
  install -d -m 0755 "$doc"
  install -m 0644 "$HERE/debian/copyright" "$doc/copyright"
  sed -e "s|@VERSION@|$deb_version|g" -e "s|@PACKAGE@|$pkg|g" -e "s|@MAINTAINER@|$maintainer|g" \
      -e "s|@DATE@|$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git -C "$HERE" log -1 --format=%ct 2>/dev/null || date +%s)}")|g" \
      "$HERE/debian/changelog.in" | gzip -9n > "$doc/changelog.gz"
  chmod 0644 "$doc/changelog.gz"
  if [ -f "$HERE/debian/$pkg.lintian-overrides" ]; then
    install -d -m 0755 "$root/usr/share/lintian/overrides"
    install -m 0644 "$HERE/debian/$pkg.lintian-overrides" "$root/usr/share/lintian/overrides/$pkg"
  fi
}

# The highest GLIBC_x.y symbol version the ELF files under DIR need, e.g. 2.34.
glibc_needed() {
  { find "$1" -type f \( -name '*.so' -o -perm -u+x \) -print0 | xargs -0 readelf -V 2>/dev/null || true; } \
    | sed -n 's/.*Name: GLIBC_\([0-9.]*\).*/\1/p' \
    | LC_ALL=C sort -t. -k1,1n -k2,2n -k3,3n -u | tail -1
}

# A unit of the tarball, for the Debian layout: the launchers in /usr/sbin, the docs in
# /usr/share/doc, run as the system user _haap.
debian_unit() {
  local src="$1" dst="$2" bin="$3" pkg="$4"
  # the tarball's header (how to install it by hand) becomes the package's
  { printf '# %s from the Debian package %s (docs/packaging.md, "Debian packages").\n' "${src##*/}" "$pkg"
    printf '# The package neither enables nor starts it. Configuration: see LoadCredential=.\n'
    sed -n '/^\[Unit\]/,$p' "$src"; } |
  sed -e "s|ExecStart=/opt/haap/bin/$bin |ExecStart=/usr/sbin/$bin |" \
      -e "s|file:/opt/haap/doc/packaging.md|file:/usr/share/doc/haap-runtime/packaging.md|" \
      -e "s|/opt/haap/jvm/|/usr/lib/haap/jvm/|g" \
      -e 's|^DynamicUser=yes$|DynamicUser=yes\n# The system user the package created; DynamicUser= then uses it instead of a\n# transient one (a stable uid, e.g. for nftables "meta skuid _haap"); the hardening stays.\nUser=_haap\nGroup=_haap|' \
      > "$dst"
  grep -q "^ExecStart=/usr/sbin/$bin " "$dst" || die "$src: no ExecStart=/opt/haap/bin/$bin line to rewrite"
  grep -q '/opt/haap' "$dst" && die "$dst still names /opt/haap: $(grep -n /opt/haap "$dst")"
  chmod 0644 "$dst"
}

# build_deb ROOT: writes DEBIAN/control (Installed-Size added) and builds the package.
build_deb() {
  local root="$1" pkg="$2" pkg_arch="$3"
  local size
  # jlink and -Xshare:dump write some files read-only (0444): Debian's modes are 0644/0755
  find "$root" -path "$root/DEBIAN" -prune -o -type d -exec chmod 0755 {} + \
    -o -type f -perm -u+x -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
  size="$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)"
  sed -i "s|^Installed-Size: .*|Installed-Size: $size|" "$root/DEBIAN/control"
  local deb="$out/${pkg}_${deb_version}_${pkg_arch}.deb"
  rm -f "$deb"
  dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
  log "$(basename "$deb"): $(stat -c %s "$deb") bytes, installed $size KiB"
  printf '%s\n' "$deb"
  debs+=("$deb")
}

# man_page ROOT PAGE: debian/PAGE (e.g. haap-ap.8) into the root's man section, gzipped.
man_page() {
  local root="$1" page="$2"
  local dir="$root/usr/share/man/man${page##*.}"
  install -d -m 0755 "$dir"
  gzip -9n < "$HERE/debian/$page" > "$dir/$page.gz"
  chmod 0644 "$dir/$page.gz"
}

maint_script() {
  local root="$1" name="$2" unit="$3"
  sed -e "s|@UNIT@|$unit|g" "$HERE/debian/$name.in" > "$root/DEBIAN/$name"
  chmod 0755 "$root/DEBIAN/$name"
}

debs=()

# --- haap-runtime (ARCH) -------------------------------------------------------------------
rt="$work/haap-runtime"
install -d -m 0755 "$rt/DEBIAN" "$rt/usr/lib/haap" "$rt/usr/bin"
cp -a "$stage/bin" "$stage/runtime" "$stage/lib" "$stage/jvm" "$rt/usr/lib/haap/"
ln -s ../lib/haap/bin/haap-check-config "$rt/usr/bin/haap-check-config"
man_page "$rt" haap-check-config.1
doc_files "$rt" haap-runtime
install -m 0644 "$stage/config/reference.conf" "$rt/usr/share/doc/haap-runtime/reference.conf"
[ -f "$stage/doc/packaging.md" ] && install -m 0644 "$stage/doc/packaging.md" "$rt/usr/share/doc/haap-runtime/packaging.md"
glibc="$(glibc_needed "$rt/usr/lib/haap")"
[ -n "$glibc" ] || die "no GLIBC symbol versions found in the runtime's ELF files"
cat > "$rt/DEBIAN/control" <<EOF
Package: haap-runtime
Version: $deb_version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: 0
Depends: libc6 (>= $glibc), libgcc-s1, libstdc++6, zlib1g
Section: net
Priority: optional
Description: HAAP hybrid access proxy - Java runtime and libraries
 HAAP carries the TCP connections of a home over all its WAN links at once
 (DSL and LTE) with Multipath TCP, to an aggregation point in a data centre.
 .
 This package holds what both roles run on: a Java runtime trimmed to the
 modules HAAP uses (jlink, from Debian's OpenJDK 17), the application jars
 with their libraries, a class-data-sharing archive, the JVM options per
 role and the haap-check-config command. Install haap-gateway or
 haap-aggregation-point.
EOF
build_deb "$rt" haap-runtime "$arch"

# --- role packages (all) ---------------------------------------------------------------------
role_package() {
  local pkg="$1" bin="$2" unit="$3" sysctl="$4" example="$5" summary="$6" recommends="$7"
  local root="$work/$pkg"
  install -d -m 0755 "$root/DEBIAN" "$root/usr/sbin" "$root/lib/systemd/system" \
    "$root/usr/lib/sysctl.d" "$root/etc/haap" "$root/usr/share/doc/$pkg/examples"
  ln -s ../lib/haap/bin/"$bin" "$root/usr/sbin/$bin"
  man_page "$root" "$bin.8"
  debian_unit "$stage/systemd/$unit" "$root/lib/systemd/system/$unit" "$bin" "$pkg"
  install -m 0644 "$stage/sysctl/$sysctl" "$root/usr/lib/sysctl.d/$sysctl"
  install -m 0644 "$stage/config/examples/$example" "$root/usr/share/doc/$pkg/examples/$example"
  doc_files "$root" "$pkg"
  for s in postinst prerm postrm; do
    maint_script "$root" "$s" "$unit"
  done
  cat > "$root/DEBIAN/control" <<EOF
Package: $pkg
Version: $deb_version
Architecture: all
Maintainer: $maintainer
Installed-Size: 0
Depends: haap-runtime (= $deb_version), adduser
Recommends: $recommends
Section: net
Priority: optional
Description: HAAP hybrid access proxy - $summary
 HAAP carries the TCP connections of a home over all its WAN links at once
 (DSL and LTE) with Multipath TCP, to an aggregation point in a data centre.
 .
EOF
  cat >> "$root/DEBIAN/control"
}

role_package haap-aggregation-point haap-ap haap-ap.service 90-haap-aggregation-point.conf \
  aggregation-point.conf "aggregation point (data-centre side)" "iproute2" <<'EOF'
 This package runs the aggregation point: it accepts the gateways' MPTCP
 connections, reads the destination from the RFC 8803 Convert header and
 relays to it over TCP. The unit haap-ap.service is installed but neither
 enabled nor started: put the configuration in
 /etc/haap/aggregation-point.conf (an example is in
 /usr/share/doc/haap-aggregation-point/examples), then enable it.
EOF
(cd "$work/haap-aggregation-point" && find etc -type f | sed 's|^|/|') > "$work/haap-aggregation-point/DEBIAN/conffiles"
[ -s "$work/haap-aggregation-point/DEBIAN/conffiles" ] || rm "$work/haap-aggregation-point/DEBIAN/conffiles"
build_deb "$work/haap-aggregation-point" haap-aggregation-point all

role_package haap-gateway haap-gateway haap-gateway.service 90-haap-gateway.conf \
  gateway.conf "client gateway (home-router side)" "nftables, iproute2" <<'EOF'
 This package runs the client gateway on the home router: it intercepts the
 LAN's TCP connections (nftables TPROXY) and carries each one over Multipath
 TCP on every WAN to the aggregation point. The nftables rules and the policy
 routing are in /etc/haap (edit the define lines, then load them); the unit
 haap-gateway.service is installed but neither enabled nor started: put the
 configuration in /etc/haap/gateway.conf (an example is in
 /usr/share/doc/haap-gateway/examples), then enable it.
EOF
gw="$work/haap-gateway"
# the rules file is an nft script (#!/usr/sbin/nft -f), so executable: /etc/haap/haap-gateway.nft loads it
install -m 0755 "$stage"/nftables/haap-gateway.nft "$gw/etc/haap/"
install -m 0644 "$stage"/nftables/haap-tproxy-routes.ipv4 "$stage"/nftables/haap-tproxy-routes.ipv6 "$gw/etc/haap/"
install -m 0644 "$stage/nftables/README.md" "$gw/usr/share/doc/haap-gateway/README.nftables.md"
(cd "$gw" && find etc -type f | LC_ALL=C sort | sed 's|^|/|') > "$gw/DEBIAN/conffiles"
build_deb "$gw" haap-gateway all

if [ "$lint" = 1 ]; then
  command -v lintian >/dev/null 2>&1 || die "lintian is missing (Debian lintian)"
  log "lintian ${debs[*]##*/} ..."
  report="$work/lintian.txt"
  lintian --tag-display-limit 0 "${debs[@]}" > "$report" 2>&1 || true
  sed 's/^/debs: lintian: /' "$report" >&2
  if grep -q '^E: ' "$report"; then
    die "lintian reported errors"
  fi
  log "lintian: no errors ($(grep -c '^W: ' "$report" || true) warnings)"
fi
