#!/usr/bin/env bash
# Install (from Debian packages) and start what the tests need: a PostgreSQL server (the team
# store's test suite), poppler's pdftoppm (PDF exports are rendered to PNG), Chromium (the web
# app's browser tests drive /usr/bin/chromium; no browser is ever downloaded) and Node.js (npm
# installs the web app's scripts and the posthog-node SDK the capture tests run), and Java 17 (the
# spark engine's tests run Spark local[2]). Idempotent.
set -euo pipefail
need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)  # the web app's scripts, posthog-node tests
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)  # the spark engine's JVM
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q online; then
  pg_lsclusters -h | grep -q "^$version main" || pg_createcluster "$version" main >/dev/null
  pg_ctlcluster "$version" main start
fi
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='needle'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"CREATE ROLE needle LOGIN SUPERUSER PASSWORD 'needle'\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='needle_test'\"" | grep -q 1 \
  || su postgres -c "createdb -O needle needle_test"
