# Sourced by scripts/demo and scripts/test. Installs what is missing, starts the private PostgreSQL
# cluster (127.0.0.1, a free port) and exports the connection strings. Idempotent.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

install_packages() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
  fc-list 2>/dev/null | grep -i "WenQuanYi Zen Hei" >/dev/null || missing+=(fonts-wqy-zenhei)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
  command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}): run as root, or install them first"
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK 10 is required (dotnet on PATH)"
}

# The cluster lives in a git-ignored folder of the repo when the postgres user can reach it,
# otherwise (a clone under /root, say) in /var/tmp, keyed by the repo path.
pg_folder() {
  local dir="$ROOT/.pgdata"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
    dir="/var/tmp/salesreporting-pg-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)"
  fi
  printf '%s' "$dir"
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo 55432
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

start_postgres() {
  local bin; bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  PGDIR="$(pg_folder)"
  local data="$PGDIR/data" run=()
  [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
  mkdir -p "$PGDIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDIR"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "creating a private PostgreSQL cluster in $data"
    "${run[@]}" "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! "${run[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    local port; port="$(free_port)"
    echo "$port" > "$PGDIR/port.tmp" && mv "$PGDIR/port.tmp" "$PGDIR/port"
    log "starting PostgreSQL on 127.0.0.1:$port"
    "${run[@]}" "$bin/pg_ctl" -D "$data" -l "$PGDIR/postgres.log" -w -t 60 \
      -o "-p $port -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c shared_buffers=512MB" start >/dev/null \
      || { tail -n 20 "$PGDIR/postgres.log" >&2; die "PostgreSQL did not start"; }
  fi
  PGPORT="$(cat "$PGDIR/port")"
  export PGPORT PGHOST=127.0.0.1 PGUSER=postgres
  for db in crm finance reporting; do
    psql -d postgres -tAc "select 1 from pg_database where datname = '$db'" | grep -q 1 || psql -q -d postgres -c "create database $db" >/dev/null
  done
  local base="Host=127.0.0.1;Port=$PGPORT;Username=postgres"
  export ConnectionStrings__Crm="$base;Database=crm"
  export ConnectionStrings__Finance="$base;Database=finance"
  export ConnectionStrings__Reporting="$base;Database=reporting"
  # The tests create and drop their own databases through this one.
  export SALESREPORTING_TEST_PG="$base;Database=postgres"
}

install_packages
start_postgres
