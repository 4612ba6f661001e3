#!/usr/bin/env bash
# Builds the helm binary that the Kubernetes layer's tests run (HelmInstallTest) into
# .cache/bin/helm, from the version pinned by tools/helm/go.mod and go.sum (sources from the
# Go module proxy, like scripts/ensure-kube-apiserver.sh). A stamp records what was built:
# a second run returns at once. A first build with a cold Go cache takes several minutes.
#
# Usage: scripts/ensure-helm.sh [--force]
# Prints the binary's path as its last line of stdout ("helm: <path>").
set -euo pipefail

log() { printf '[ensure-helm] %s\n' "$*" >&2; }
fail() {
  printf '\n[ensure-helm] FAILED: %s\n\n' "$*" >&2
  exit 1
}
trap 'fail "command failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOD_DIR="$ROOT/tools/helm"
BIN_DIR="$ROOT/.cache/bin"
STAMP="$BIN_DIR/helm.stamp"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

[[ -f "$MOD_DIR/go.mod" && -f "$MOD_DIR/go.sum" ]] || fail "missing $MOD_DIR/go.mod or go.sum"
mkdir -p "$BIN_DIR"
exec 9>"$BIN_DIR/.ensure-helm.lock"
flock 9

HELM_VERSION="$(awk '$1 == "helm.sh/helm/v3" && $2 ~ /^v/ { print $2; exit }' "$MOD_DIR/go.mod")"
[[ -n "$HELM_VERSION" ]] || fail "cannot read the helm.sh/helm/v3 version from $MOD_DIR/go.mod"
WANT="helm=$HELM_VERSION inputs=$(cat "$MOD_DIR/go.mod" "$MOD_DIR/go.sum" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
if [[ $FORCE == 0 && -x "$BIN_DIR/helm" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
  log "up to date: helm $HELM_VERSION in $BIN_DIR"
  echo "helm: $BIN_DIR/helm"
  exit 0
fi

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="$PATH:/usr/local/go/bin"
fi
command -v go >/dev/null 2>&1 || fail "Go is not installed (need the version named by the go line of $MOD_DIR/go.mod)"
log "building helm $HELM_VERSION with $(go version | awk '{print $3}') into $BIN_DIR"

export CGO_ENABLED=0
export GOFLAGS="-trimpath -mod=readonly -buildvcs=false"
TMP="$(mktemp -d "$BIN_DIR/.build-helm.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
cd "$MOD_DIR"
start=$SECONDS
nice -n 10 go build -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
  -o "$TMP/helm" helm.sh/helm/v3/cmd/helm
"$TMP/helm" version --short >&2 || fail "the built helm does not run"
mv -f "$TMP/helm" "$BIN_DIR/helm"
printf '%s' "$WANT" > "$STAMP"
log "built in $((SECONDS - start)) s: $BIN_DIR/helm"
echo "helm: $BIN_DIR/helm"
