#!/usr/bin/env bash
# One command from a fresh clone (only a JDK 17+ needed): build Larder, then run the end-to-end quickstart.
# Extra arguments go to the quickstart, e.g. ./quickstart.sh --no-serve
set -euo pipefail
cd "$(dirname "$0")"
echo "==> Building Larder (./mvnw package, tests skipped; run ./mvnw verify for the tests)"
./mvnw -B -q -DskipTests package
dist="integration-tests/target/larder-0.1.0-SNAPSHOT/larder-0.1.0-SNAPSHOT"
exec "$dist/bin/larder-quickstart" "$@"
