#!/usr/bin/env bash
# Restore a backup made by backup.sh into a NEW database (never over an existing one).
# Usage: scripts/restore.sh FILE.dump postgres://user:password@host:5432/new_database
# The role in the URL needs CREATEDB. Afterwards point DATABASE_URL at the new database and
# restart the services (see the README, "Backup and restore").
set -euo pipefail
file=${1:?Usage: restore.sh FILE.dump TARGET_DATABASE_URL}
target=${2:?Usage: restore.sh FILE.dump TARGET_DATABASE_URL}
[ -f "$file" ] || { echo "restore.sh: no such file: $file" >&2; exit 2; }
case "$target" in
  postgres://*|postgresql://*) ;;
  *) echo "restore.sh: the target is not a PostgreSQL URL" >&2; exit 2 ;;
esac
base=${target%%\?*}
query=${target#"$base"}
name=${base##*/}
[[ "$name" =~ ^[A-Za-z0-9_]+$ ]] || { echo "restore.sh: bad database name: $name" >&2; exit 2; }
server="${base%/*}/postgres$query"
if [ "$(psql "$server" -v ON_ERROR_STOP=1 -qtAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" = 1 ]; then
  echo "restore.sh: database $name already exists; restore into a new one" >&2
  exit 1
fi
createdb --maintenance-db="$server" "$name"
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$target" "$file"
echo "restored $file into $name"
