#!/usr/bin/env bash
# Sourced by .ci/run: puts the Node version in .node-version (the Docker image's) first on PATH.
# When the machine's own node is another major, the official build comes from the npm registry
# (package node-linux-<arch>, the same binary and headers nodejs.org ships), cached per version.
# npm_config_nodedir points node-gyp at that build's headers, so better-sqlite3 compiles for it.
want="$(tr -d ' \n' < "$(dirname "${BASH_SOURCE[0]}")/../.node-version")"
have="$(node -p 'process.versions.node' 2>/dev/null || echo none)"
if [ "${have%%.*}" != "${want%%.*}" ]; then
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "no Node $want build for $(uname -m) in the npm registry" >&2; exit 1 ;;
  esac
  dir="${XDG_CACHE_HOME:-$HOME/.cache}/patchbot/node-v$want-linux-$arch"
  if [ ! -x "$dir/bin/node" ]; then
    echo "Node $have here; fetching Node $want (node-linux-$arch) from the npm registry..."
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$want" >/dev/null)
    mkdir -p "$dir"
    tar -xzf "$tmp"/node-linux-"$arch"-*.tgz -C "$dir" --strip-components=1
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
fi
# Always build native addons against the running node's own headers: the machine's npm config may
# name another Node's (seen when this Node was already first on PATH: better-sqlite3 built for Node 20).
prefix="$(dirname "$(dirname "$(command -v node)")")"
if [ -f "$prefix/include/node/node.h" ]; then export npm_config_nodedir="$prefix"; fi
echo "node $(node -v), npm $(npm -v)"
