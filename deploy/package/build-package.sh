#!/usr/bin/env bash
# Builds the self-contained HAAP tarball: a jlink runtime with only the JDK modules the
# jars need, the jars, a class-data-sharing archive, POSIX sh launchers, the example
# configs, the nftables/sysctl files and the systemd units; with --deb also the Debian
# packages (build-debs.sh). See docs/packaging.md.
#
# Usage: build-package.sh [--arch amd64|arm64] [--deb [--lintian]] [--lib DIR] [--out DIR] [--jdk DIR]
#                         [--no-cds] [--cross DIR]
#   --arch A    the machine the package is for (default amd64, this machine). arm64 is
#               linked from Debian's arm64 jmods (fetch-debian-jdk.sh, into CROSS/arm64)
#               with this machine's jlink, with Netty's linux-aarch_64 epoll jar; its
#               java runs under qemu-user (qemu-aarch64-static) for the CDS archives
#   --deb       also build the Debian packages haap-runtime, haap-aggregation-point and
#               haap-gateway for that architecture into OUT (build-debs.sh)
#   --lintian   with --deb: run lintian on them, fail on an error
#   --lib DIR   the runtime jars (default: deploy/target/lib, filled by ./haap build; the
#               other architecture's native jars are in DIR/../native/)
#   --out DIR   where the tarball goes (default: deploy/target)
#   --jdk DIR   the JDK 17 whose jdeps/jlink build the runtime (default: $HAAP_JDK, else
#               Debian's openjdk-17 directory, else the jlink on the PATH)
#   --no-cds    skip the training run; the package then has no lib/haap.jsa
#   --cross DIR where the other architectures' Debian JDKs are kept (default: deploy/target/cross)
# Prints progress on stderr and the path of each artefact (tarball, then .debs) on stdout.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEPLOY="$(cd "$HERE/.." && pwd)"
ROOT="$(cd "$DEPLOY/.." && pwd)"

lib="$DEPLOY/target/lib"
out="$DEPLOY/target"
jdk="${HAAP_JDK:-}"
cds=1
arch=amd64
deb=0
lintian=""
cross="$DEPLOY/target/cross"

log() { printf 'package: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --lib) lib="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --jdk) jdk="$2"; shift 2 ;;
    --no-cds) cds=0; shift ;;
    --arch) arch="$2"; shift 2 ;;
    --deb) deb=1; shift ;;
    --lintian) lintian=--lintian; shift ;;
    --cross) cross="$2"; shift 2 ;;
    -h|--help) sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option: $1 (try --help)" ;;
  esac
done

if [ -z "$jdk" ]; then
  if [ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/jlink ]; then
    jdk=/usr/lib/jvm/java-17-openjdk-amd64
  elif command -v jlink >/dev/null 2>&1; then
    jdk="$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")"
  else
    die "no JDK with jlink found: install openjdk-17-jdk-headless or pass --jdk DIR"
  fi
fi
for tool in jdeps jlink java jar; do
  [ -x "$jdk/bin/$tool" ] || die "$jdk/bin/$tool is missing (need a full JDK 17)"
done
jdk_version="$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[ "$jdk_version" = 17 ] || die "$jdk is Java $jdk_version; the package is built with Java 17"

# This machine's jlink links the runtime for either architecture; its jdeps and its java
# (for amd64) run here, so the build machine is amd64.
[ "$(uname -m)" = x86_64 ] || die "the packages are built on linux-x86_64 (amd64)"
native="$(cd "$lib/.." && pwd)/native"
case "$arch" in
  amd64)
    machine=x86_64
    netty_arch=linux-x86_64
    jmods="$jdk/jmods"
    target_java=() ;;
  arm64)
    machine=aarch64
    netty_arch=linux-aarch_64
    command -v qemu-aarch64-static >/dev/null 2>&1 \
      || die "qemu-aarch64-static is missing (Debian qemu-user-static): it runs the arm64 java for the CDS archives"
    command -v aarch64-linux-gnu-objcopy >/dev/null 2>&1 \
      || die "aarch64-linux-gnu-objcopy is missing (Debian binutils-aarch64-linux-gnu): jlink strips the arm64 libraries with it"
    cross_root="$(bash "$HERE/fetch-debian-jdk.sh" arm64 "$cross/arm64")"
    jmods="$cross_root/usr/lib/jvm/java-17-openjdk-arm64/jmods"
    target_java=(qemu-aarch64-static -L "$cross_root") ;;
  *) die "unknown --arch $arch (amd64 or arm64)" ;;
esac
ap_jar="$(ls "$lib"/haap-aggregation-point-*.jar 2>/dev/null | head -1)"
[ -n "$ap_jar" ] || die "no haap-aggregation-point jar in $lib: run ./haap build first"
version="$(basename "$ap_jar" .jar)"
version="${version#haap-aggregation-point-}"
name="haap-$version"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$out/package-work"
stage="$work/$name"
tarball="$out/$name-linux-$machine.tar.gz"

rm -rf "$work"
mkdir -p "$stage/bin" "$stage/lib" "$stage/config/examples" "$stage/doc"

# The jars: everything the applications run with, not the deploy module's own jar
# (testbed and demo). Sorted, so the class path and the CDS archive are reproducible.
jars=()
# Netty's epoll transport is one jar per architecture: the target's replaces the
# build's (target/lib has linux-x86_64, target/native/linux-aarch_64 the other).
# jffi's native jar carries the libraries of every architecture.
epoll_jars=("$lib"/netty-transport-native-epoll-*-linux-x86_64.jar)
[ -f "${epoll_jars[0]}" ] || die "no netty-transport-native-epoll linux-x86_64 jar in $lib"
if [ "$arch" != amd64 ]; then
  epoll_jars=("$native/$netty_arch"/netty-transport-native-epoll-*-"$netty_arch".jar)
  [ -f "${epoll_jars[0]}" ] || die "no netty-transport-native-epoll $netty_arch jar in $native/$netty_arch: run ./haap build"
fi
while IFS= read -r jar; do
  case "$(basename "$jar")" in
    haap-deploy-*|haap-loadtest-*|*-tests.jar|netty-transport-native-epoll-*) continue ;;
  esac
  cp -p "$jar" "$stage/lib/"
done < <(ls "$lib"/*.jar)
cp -p "${epoll_jars[0]}" "$stage/lib/"
while IFS= read -r jar; do
  jars+=("$jar")
done < <(cd "$stage/lib" && ls *.jar | LC_ALL=C sort)
[ ${#jars[@]} -gt 1 ] || die "no jars in $lib"

# JDK modules: every module jdeps finds referenced by the jars, except those referenced
# only by library classes HAAP never loads (checked class by class below, so a new use
# of such a module fails the build instead of failing at run time):
#   java.desktop  typesafe-config's ConfigBeanImpl (ConfigBeanFactory), Micrometer's
#                 Log4j2Metrics binder (java.beans)
#   java.sql      Micrometer's database binders
#   java.naming   Netty's TLS trust manager (LdapName); HAAP has no TLS
unused_modules='java.desktop java.sql java.naming'
unused_users='^(com\.typesafe\.config\.impl\.ConfigBeanImpl|io\.micrometer\.core\.instrument\.binder\.db\.[A-Za-z]+|io\.micrometer\.core\.instrument\.binder\.logging\.Log4j2Metrics|io\.netty\.handler\.ssl\.[A-Za-z0-9$]+)$'
jdeps=("$jdk/bin/jdeps" --ignore-missing-deps --multi-release 17)
log "jdeps over ${#jars[@]} jars ..."
all_modules="$("${jdeps[@]}" --list-deps "$stage"/lib/*.jar 2>/dev/null \
  | sed -n 's/^ *\(\(java\|jdk\)\.[a-z.]*\)$/\1/p' | LC_ALL=C sort -u)"
echo "$all_modules" | grep -qx java.base || die "jdeps listed no modules"
uses="$("${jdeps[@]}" -verbose:class "$stage"/lib/*.jar 2>/dev/null \
  | awk -v unused=" $unused_modules " '$2 == "->" && index(unused, " " $4 " ") { print $1 " " $4 }' | LC_ALL=C sort -u)"
unexpected="$(echo "$uses" | RE="$unused_users" awk 'NF && $1 !~ ENVIRON["RE"]')"
[ -z "$unexpected" ] || die "classes use modules left out of the runtime (add them or update the list): $unexpected"
modules="$(echo "$all_modules" | grep -vxF -f <(tr ' ' '\n' <<< "$unused_modules") | paste -sd, -)"
log "jlink $arch runtime with: $modules (left out: $unused_modules)"
# --compress=2: the classes in lib/modules zip-compressed. --strip-debug is
# --strip-java-debug-attributes plus --strip-native-debug-symbols with the build machine's
# objcopy, which cannot read arm64 libraries: for arm64 the same with the aarch64 objcopy.
# The base CDS archive (-Xshare:dump, what --generate-cds-archive runs) is made by the
# target's own java, so for arm64 under qemu-user.
strip=(--strip-debug)
[ "$arch" = amd64 ] || strip=(--strip-java-debug-attributes
  --strip-native-debug-symbols objcopy="$(command -v aarch64-linux-gnu-objcopy)")
"$jdk/bin/jlink" --module-path "$jmods" --add-modules "$modules" "${strip[@]}" --compress=2 \
  --no-header-files --no-man-pages --output "$stage/runtime" >&2
# Symbol tables out, as dh_strip does (Debian's jmods keep them; the debug info is in
# Debian's -dbg packages already): the dynamic symbols JNI needs stay.
strip_tool=strip
[ "$arch" = amd64 ] || strip_tool=aarch64-linux-gnu-strip
command -v "$strip_tool" >/dev/null 2>&1 || die "$strip_tool is missing (Debian binutils / binutils-aarch64-linux-gnu)"
while IFS= read -r -d '' f; do
  [ "$(head -c4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
  case "$f" in
    *.so) "$strip_tool" --remove-section=.comment --remove-section=.note --strip-unneeded "$f" ;;
    *) "$strip_tool" --remove-section=.comment --remove-section=.note "$f" ;;
  esac
done < <(find "$stage/runtime" -type f \( -name '*.so' -o -perm -u+x \) -print0)
# ELF e_machine (offset 18, little-endian): 0x3e x86-64, 0xb7 aarch64
elf_machine="$(od -An -tx2 -j18 -N2 "$stage/runtime/bin/java" | tr -d ' ')"
[ "$elf_machine" = "$(if [ "$arch" = arm64 ]; then echo 00b7; else echo 003e; fi)" ] \
  || die "runtime/bin/java is not an $arch executable (ELF machine 0x$elf_machine)"
"${target_java[@]}" "$stage/runtime/bin/java" -Xshare:dump > "$work/base-dump.log" 2>&1 \
  || die "base CDS dump failed: $(tail -5 "$work/base-dump.log" | tr '\n' ' ')"
# Only the default archive (compressed oops): the one for heaps over 32 GiB is 10 MiB that
# a router never uses; such a JVM just starts without the base archive.
rm -f "$stage/runtime/lib/server/classes_nocoops.jsa"
printf '%s\n' "$modules" > "$stage/runtime/haap-modules"

# Launchers: the class path jar by jar, relative to the unpacked directory (the launchers
# run the JVM there, as the training run below does).
classpath=""
for jar in "${jars[@]}"; do
  classpath="${classpath:+$classpath:}lib/$jar"
done
make_launcher() {
  local name="$1" title="$2" main="$3" role="$4" cmd="$5" files="$6"
  sed -e "s|@NAME@|$name|g" -e "s|@TITLE@|$title|g" -e "s|@MAIN@|$main|g" \
      -e "s|@ROLE@|$role|g" -e "s|@CMD@|$cmd|g" -e "s|@FILE_ARGS@|$files|g" \
      -e "s|@CLASSPATH@|$classpath|" "$HERE/launcher.sh.in" > "$stage/bin/$name"
  chmod 755 "$stage/bin/$name"
}
make_launcher haap-ap "aggregation point" org.haap.ap.Main aggregation-point ap config
make_launcher haap-gateway "client gateway" org.haap.gateway.Main gateway gateway config
# check-config: every argument is a file; the small JVM of the gateway is plenty.
make_launcher haap-check-config "configuration check" org.haap.config.CheckConfig gateway gateway all
# The JVM options per role (java @argument files): the same files `./haap ap|gateway` reads.
mkdir -p "$stage/jvm"
cp -p "$DEPLOY"/jvm/*.options "$stage/jvm/"

# Operator files: the same files the testbed loads.
cp -p "$ROOT"/config/examples/*.conf "$stage/config/examples/"
cp -p "$ROOT/config/src/main/resources/reference.conf" "$stage/config/reference.conf"
mkdir -p "$stage/nftables" "$stage/sysctl" "$stage/systemd"
cp -p "$DEPLOY"/nftables/* "$stage/nftables/"
cp -p "$DEPLOY"/sysctl/* "$stage/sysctl/"
cp -p "$DEPLOY"/systemd/*.service "$DEPLOY/systemd/README.md" "$stage/systemd/"
[ -f "$ROOT/docs/packaging.md" ] && cp -p "$ROOT/docs/packaging.md" "$stage/doc/"

# Class-data sharing: one static archive (-Xshare:dump) for both roles, of the classes a
# training run of the aggregation point loaded (the JDK's, Netty, jnr-ffi, config,
# Micrometer, the core, the AP's) plus every class of HAAP's own jars, so the gateway's
# classes are archived too although the gateway cannot start here (it needs its WANs).
# The training run starts the AP on loopback (plain TCP, ephemeral ports) with its shipped
# JVM options, takes one connection and one metrics scrape, and stops on SIGTERM.
train_ap() {
  local conf="$work/training.conf" trace="$work/training.log" pid port mport i
  cat > "$conf" <<'CONF'
haap.aggregation-point {
  listen = ["127.0.0.1:0"]
  protocol = tcp
  event-loops = 1
  timeouts { header = 1s, drain = 1s }
  metrics { enabled = true, listen = "127.0.0.1:0" }
}
CONF
  (cd "$stage" && exec "${target_java[@]}" runtime/bin/java @jvm/aggregation-point.options -XX:DumpLoadedClassList="$classlist" \
    -cp "$classpath" org.haap.ap.Main --config "$conf") > "$trace" 2>&1 &
  pid=$!
  for i in $(seq 1 900); do
    grep -q 'listening on' "$trace" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  port="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$trace")"
  mport="$(sed -n 's|.*metrics on http://127\.0\.0\.1:\([0-9]*\)/metrics.*|\1|p' "$trace")"
  if [ -z "$port" ] || [ -z "$mport" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    log "training run did not start: $(tr '\n' ' ' < "$trace")"
    return 1
  fi
  # subshells: a failed /dev/tcp redirection must not end this script with the JVM running
  (exec 3<>"/dev/tcp/127.0.0.1/$port") || log "training: connect to the listener failed"
  (exec 4<>"/dev/tcp/127.0.0.1/$mport"
   printf 'GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n' >&4
   cat <&4 > /dev/null) || log "training: metrics scrape failed"
  kill -TERM "$pid"
  wait "$pid" || true
  [ -s "$classlist" ]
}
# Appends the classes of HAAP's own jars that the training run did not load.
add_haap_classes() {
  local jar
  for jar in "$stage"/lib/haap-*.jar; do
    "$jdk/bin/jar" tf "$jar"
  done | sed -n 's/\.class$//p' | grep -v -e '-info$' | LC_ALL=C sort -u \
    | awk 'NR == FNR { seen[$1] = 1; next } !($0 in seen)' "$classlist" - > "$classlist.haap"
  cat "$classlist.haap" >> "$classlist"
}
dump_archive() {
  (cd "$stage" && exec "${target_java[@]}" runtime/bin/java -XX:+UseG1GC -Xshare:dump -XX:SharedClassListFile="$classlist" \
    -XX:SharedArchiveFile=lib/haap.jsa -cp "$classpath") > "$work/dump.log" 2>&1 \
    || { log "dump failed: $(tail -20 "$work/dump.log" | tr '\n' ' ')"; return 1; }
  [ -s "$stage/lib/haap.jsa" ]
}
classlist="$work/haap.classlist"
if [ "$cds" = 1 ]; then
  log "CDS training run (aggregation point on loopback) and archive dump ..."
  if ! { train_ap && add_haap_classes && dump_archive; }; then
    rm -f "$stage/lib/haap.jsa"
    die "the CDS training run failed (use --no-cds to build without the archive)"
  fi
fi

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
runtime_bytes="$(du -sb "$stage/runtime" | cut -f1)"
unpacked_bytes="$(du -sb "$stage" | cut -f1)"
log "unpacked ($arch): runtime/ $runtime_bytes bytes ($(mib "$runtime_bytes")), all $unpacked_bytes bytes ($(mib "$unpacked_bytes"))"
log "writing $tarball ..."
rm -f "$tarball"
tar -C "$work" --owner=0 --group=0 --numeric-owner -czf "$tarball" "$name"
bytes="$(stat -c %s "$tarball")"
log "$(basename "$tarball"): $bytes bytes ($(mib "$bytes"))"
printf '%s\n' "$tarball"
if [ "$deb" = 1 ]; then
  bash "$HERE/build-debs.sh" --stage "$stage" --arch "$arch" --version "$version" --out "$out" $lintian
fi
rm -rf "$work"
