#!/usr/bin/env bash
# Nightly backup: a PostgreSQL dump and a copy of the uploaded media, kept 14 days on this server.
# Copy /var/backups/practice off the server too (see docs/deploy.md). Run as root from
# practice-backup.timer or cron. DATABASE_URL and MEDIA_ROOT come from the site's env file.
set -euo pipefail

ENV_FILE=${ENV_FILE:-/etc/practice/env}
BACKUP_DIR=${BACKUP_DIR:-/var/backups/practice}
KEEP_DAYS=${KEEP_DAYS:-14}

setting() { sed -n "s/^$1=//p" "$ENV_FILE" | tail -n 1; }
DATABASE_URL=$(setting DATABASE_URL)
MEDIA_ROOT=$(setting MEDIA_ROOT)
: "${DATABASE_URL:?DATABASE_URL is not set in $ENV_FILE}"

umask 077
mkdir -p "$BACKUP_DIR/media"
stamp=$(date +%Y-%m-%dT%H%M)
# Custom format: compressed, and pg_restore can restore it into any empty database.
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$BACKUP_DIR/practice-$stamp.dump.partial"
mv "$BACKUP_DIR/practice-$stamp.dump.partial" "$BACKUP_DIR/practice-$stamp.dump"
if [ -n "$MEDIA_ROOT" ] && [ -d "$MEDIA_ROOT" ]; then
  rsync -a --delete "$MEDIA_ROOT/" "$BACKUP_DIR/media/"
fi
find "$BACKUP_DIR" -maxdepth 1 -name 'practice-*.dump' -mtime +"$KEEP_DAYS" -delete
echo "backup: $BACKUP_DIR/practice-$stamp.dump ($(du -h "$BACKUP_DIR/practice-$stamp.dump" | cut -f1)), media synced"
