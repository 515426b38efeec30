#!/usr/bin/env bash
# Debian's distribution registry and htpasswd for the registry tests. Nothing to start:
# each test starts its own registry on a free 127.0.0.1 port with the translator's config.
set -euo pipefail
started=$(date +%s)
if ! command -v docker-registry >/dev/null || ! command -v htpasswd >/dev/null; then
  [ -n "$(find /var/lib/apt/lists -name '*Packages*' -print -quit 2>/dev/null)" ] || apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-registry apache2-utils >/dev/null
fi
echo "registry tools ready in $(($(date +%s) - started)) s: $(docker-registry --version 2>/dev/null | head -1)"
