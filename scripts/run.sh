#!/usr/bin/env bash
# Sets up, builds and runs mcpgw on its embedded defaults: config/mcpgw.yaml, SQLite in ./data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cat >&2 <<MSG

mcpgw is starting on http://127.0.0.1:8080 (config/mcpgw.yaml, database data/mcpgw.db).
In another terminal, mint an admin token and try it:
  TOKEN=\$(build/src/mcpgw token create --sub admin --scope admin)
  curl -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:8080/v1/whoami
Stop with Ctrl-C (in-flight requests are finished first).

MSG
exec build/src/mcpgw serve -c config/mcpgw.yaml
