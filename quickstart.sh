#!/usr/bin/env bash
# One command from a fresh clone (only a JDK 17+ needed): build Larder, then run the end-to-end quickstart.
# Extra arguments go to the quickstart, e.g. ./quickstart.sh --no-serve
set -euo pipefail
cd "$(dirname "$0")"
log="$(mktemp "${TMPDIR:-/tmp}/larder-build.XXXXXX.log")"
echo "==> Building Larder (./mvnw package, tests skipped; run ./mvnw verify for the tests); full log: $log"
echo "    A first build downloads Maven and about 280 MB of dependencies; later builds take under a minute."
if ! ./mvnw -B -DskipTests package 2>&1 | tee "$log" | awk -f .mvn/build-progress.awk; then
  echo "==> The build failed; the full log is $log" >&2
  exit 1
fi
dist="integration-tests/target/larder-0.1.0-SNAPSHOT/larder-0.1.0-SNAPSHOT"
exec "$dist/bin/larder-quickstart" "$@"
