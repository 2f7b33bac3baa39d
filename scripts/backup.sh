#!/usr/bin/env bash
# Back up the database named by DATABASE_URL (PostgreSQL) into DIR as one pg_dump custom-format
# file, bienche-YYYYMMDD-HHMMSS.dump; files older than BACKUP_KEEP_DAYS (default 14) are removed.
# Usage: DATABASE_URL=postgres://… scripts/backup.sh [DIR]          (prints the file's path)
set -euo pipefail
dir=${1:-backups}
: "${DATABASE_URL:?Set DATABASE_URL to the database to back up}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not a PostgreSQL database" >&2; exit 2 ;;
esac
mkdir -p "$dir"
file="$dir/bienche-$(date +%Y%m%d-%H%M%S).dump"
# Written under a temporary name, renamed once complete: a file named *.dump is a whole backup.
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$file.part" --dbname="$DATABASE_URL"
mv "$file.part" "$file"
find "$dir" -maxdepth 1 -name 'bienche-*.dump' -mtime +"${BACKUP_KEEP_DAYS:-14}" -delete
echo "$file"
