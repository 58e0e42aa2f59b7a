#!/usr/bin/env bash
# Creates docker/secrets/{db_password,jwt_secret,credentials_key} for docker/compose.yaml, once:
# 32 random bytes each, hex. Existing files are kept (every node and restart must see the same).
# Compose mounts them with the host file's mode; they are made readable by the containers'
# users (mcpgw is uid 10001, postgres uid 999) and by nobody else on the host but their owner
# and group: run this as the user that runs docker.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
install -d -m 0750 "$dir"
for name in db_password jwt_secret credentials_key; do
  f="$dir/$name"
  [[ -s "$f" ]] && continue
  od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$f"
  echo >> "$f"
  chmod 0644 "$f"
  echo "created $f"
done
