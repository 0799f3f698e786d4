#!/bin/sh
# Container entrypoint: bring the database schema up to date, then run the
# container's command (gunicorn by default) in this shell's place, so that it
# receives `docker stop`'s SIGTERM directly.
#
# Set RUN_MIGRATIONS=0 to skip the migrations, for example when several
# replicas start at once and a separate release step runs `flask db upgrade`.
set -eu

if [ "${RUN_MIGRATIONS:-1}" != "0" ]; then
    echo "docker-entrypoint: flask db upgrade (RUN_MIGRATIONS=0 skips this)"
    flask db upgrade
fi

exec "$@"
