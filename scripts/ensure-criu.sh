#!/usr/bin/env bash
# Builds CRIU (checkpoint/restore in user space, what CRaC JVMs checkpoint with) into .cache/bin/criu,
# for ColdStartBenchmark's restored mode (-Dqualisys.bench.restore=true): a primed function's JVM is
# checkpointed and restored, and the restore is timed with its first invocation. Not used by the
# tests. Debian 12 ships CRIU 3.17, which cannot read the vDSO of recent kernels; this builds 4.1.1
# from Debian's own source tarball (checksum pinned), with build dependencies from Debian's packages.
# A stamp records what was built: a second run returns at once. Needs root (apt-get; CRIU itself
# needs root to dump and restore).
#
# Usage: scripts/ensure-criu.sh [--force]
# Prints the binary's path as its last line of stdout ("criu: <path>").
set -euo pipefail

log() { printf '[ensure-criu] %s\n' "$*" >&2; }
fail() {
  printf '\n[ensure-criu] FAILED: %s\n\n' "$*" >&2
  exit 1
}
trap 'fail "command failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

CRIU_VERSION=4.1.1
TARBALL="criu_${CRIU_VERSION}.orig.tar.xz"
URL="http://deb.debian.org/debian/pool/main/c/criu/$TARBALL"
SHA256=f80a66cb3726bb2116266d4759ce3bcbfab7abdb6b6d430bf20dd41911717afe
BUILD_DEPENDENCIES=(gcc make pkg-config libprotobuf-c-dev protobuf-c-compiler libprotobuf-dev protobuf-compiler python3-protobuf
  libnl-3-dev libnet1-dev libcap-dev libbsd-dev libgnutls28-dev libaio-dev libnftables-dev uuid-dev)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="$ROOT/.cache/bin"
STAMP="$BIN_DIR/criu.stamp"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

mkdir -p "$BIN_DIR"
exec 9>"$BIN_DIR/.ensure-criu.lock"
flock 9

WANT="criu=$CRIU_VERSION sha256=$SHA256 script=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
if [[ $FORCE == 0 && -x "$BIN_DIR/criu" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
  log "up to date: criu $CRIU_VERSION in $BIN_DIR"
  echo "criu: $BIN_DIR/criu"
  exit 0
fi

[[ "$(id -u)" == 0 ]] || fail "CRIU dumps and restores processes as root only; run as root"
missing=()
for p in "${BUILD_DEPENDENCIES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing build dependencies: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 || fail "apt-get could not install ${missing[*]}"
fi

TMP="$(mktemp -d "$BIN_DIR/.build-criu.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
log "downloading $URL"
curl -fsS --retry 3 -o "$TMP/$TARBALL" "$URL" || fail "cannot download $URL"
echo "$SHA256  $TMP/$TARBALL" | sha256sum -c --quiet - || fail "$TARBALL does not have the pinned checksum"
mkdir "$TMP/src"
tar -xJf "$TMP/$TARBALL" -C "$TMP/src" --strip-components=1
start=$SECONDS
log "building criu $CRIU_VERSION (a few minutes)"
nice -n 10 make -C "$TMP/src" -j"$(nproc)" criu > "$TMP/build.log" 2>&1 || { tail -20 "$TMP/build.log" >&2; fail "make criu failed"; }
"$TMP/src/criu/criu" check >&2 || fail "the built criu cannot checkpoint on this kernel (criu check)"
mv -f "$TMP/src/criu/criu" "$BIN_DIR/criu"
printf '%s' "$WANT" > "$STAMP"
log "built in $((SECONDS - start)) s: $BIN_DIR/criu"
echo "criu: $BIN_DIR/criu"
