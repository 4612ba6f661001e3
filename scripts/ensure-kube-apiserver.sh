#!/usr/bin/env bash
# Builds the kube-apiserver and etcd binaries that the Java test harness
# (local-aws/src/main/java/com/qualisys/controlplane/emulator/KubeApiServer.java) runs.
#
# The versions are pinned by tools/kube-apiserver/go.mod and go.sum; the sources come
# from the Go module proxy and the binaries go to .cache/bin/ at the repository root
# (gitignored). A stamp file records what was built: the script rebuilds only when a
# binary is missing or the pinned versions (or this script) changed, so a second run
# takes well under a second. Go's own build cache (go env GOCACHE) is left at its
# default, so a rebuild after a version bump recompiles only what changed.
#
# Needs: Go >= the `go` line of tools/kube-apiserver/go.mod, network access to the Go
# module proxy on the first run, and about 1 GB of disk for the module and build caches.
#
# Usage: scripts/ensure-kube-apiserver.sh [--force]
# Prints the bin directory as its last line of stdout ("bin-dir: <path>").
set -euo pipefail

log() { printf '[ensure-kube-apiserver] %s\n' "$*" >&2; }
fail() {
  printf '\n[ensure-kube-apiserver] FAILED: %s\n\n' "$*" >&2
  exit 1
}
trap 'fail "command failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOD_DIR="$ROOT/tools/kube-apiserver"
BIN_DIR="$ROOT/.cache/bin"
STAMP="$BIN_DIR/kube-apiserver.stamp"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

[[ -f "$MOD_DIR/go.mod" && -f "$MOD_DIR/go.sum" ]] || fail "missing $MOD_DIR/go.mod or go.sum"
mkdir -p "$BIN_DIR"

# One build at a time, even when several test JVMs (or a developer's shell) ask at once.
exec 9>"$BIN_DIR/.ensure-kube-apiserver.lock"
flock 9

KUBE_VERSION="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit }' "$MOD_DIR/go.mod")"
ETCD_VERSION="$(awk '$1 == "go.etcd.io/etcd/server/v3" && $2 ~ /^v/ { print $2; exit }' "$MOD_DIR/go.mod")"
[[ -n "$KUBE_VERSION" ]] || fail "cannot read the k8s.io/kubernetes version from $MOD_DIR/go.mod"
[[ -n "$ETCD_VERSION" ]] || fail "cannot read the go.etcd.io/etcd/server/v3 version from $MOD_DIR/go.mod"

# The stamp covers the pins and this recipe (flags, ldflags): editing either rebuilds.
WANT="kubernetes=$KUBE_VERSION etcd=$ETCD_VERSION inputs=$(cat "$MOD_DIR/go.mod" "$MOD_DIR/go.sum" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
if [[ $FORCE == 0 && -x "$BIN_DIR/kube-apiserver" && -x "$BIN_DIR/etcd" && -f "$STAMP" ]] \
    && [[ "$(cat "$STAMP")" == "$WANT" ]]; then
  log "up to date: kube-apiserver $KUBE_VERSION, etcd $ETCD_VERSION in $BIN_DIR"
  echo "bin-dir: $BIN_DIR"
  exit 0
fi

# Go's official installs live in /usr/local/go; a non-login shell may lack it on PATH.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="$PATH:/usr/local/go/bin"
fi
command -v go >/dev/null 2>&1 || fail "Go is not installed (need the version named by the go line of $MOD_DIR/go.mod); see docs/kube-apiserver-harness.md"
log "building kube-apiserver $KUBE_VERSION and etcd $ETCD_VERSION with $(go version | awk '{print $3}') into $BIN_DIR"
log "(a first build downloads ~90 MB of modules and compiles for about 7 minutes on 2 cores; later builds reuse $(go env GOCACHE))"

# Static, stripped, reproducible binaries (as Kubernetes' own release builds them: no cgo).
export CGO_ENABLED=0
export GOFLAGS="-trimpath -mod=readonly -buildvcs=false"
MINOR="${KUBE_VERSION#v1.}"; MINOR="${MINOR%%.*}"
KUBE_LDFLAGS="-s -w \
 -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION \
 -X k8s.io/component-base/version.gitMajor=1 \
 -X k8s.io/component-base/version.gitMinor=$MINOR \
 -X k8s.io/component-base/version.gitTreeState=clean \
 -X k8s.io/client-go/pkg/version.gitVersion=$KUBE_VERSION"

TMP="$(mktemp -d "$BIN_DIR/.build.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

cd "$MOD_DIR"
start=$SECONDS
# nice: the machine is shared with other builds; the compiler still uses every core it can.
log "go build k8s.io/kubernetes/cmd/kube-apiserver"
nice -n 10 go build -ldflags "$KUBE_LDFLAGS" -o "$TMP/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
log "go build go.etcd.io/etcd/server/v3 (etcd)"
nice -n 10 go build -ldflags "-s -w" -o "$TMP/etcd" go.etcd.io/etcd/server/v3

"$TMP/kube-apiserver" --version >&2 || fail "the built kube-apiserver does not run"
"$TMP/etcd" --version >&2 || fail "the built etcd does not run"

mv -f "$TMP/kube-apiserver" "$BIN_DIR/kube-apiserver"
mv -f "$TMP/etcd" "$BIN_DIR/etcd"
printf '%s' "$WANT" > "$STAMP"
log "built in $((SECONDS - start)) s: $BIN_DIR/kube-apiserver, $BIN_DIR/etcd"
echo "bin-dir: $BIN_DIR"
