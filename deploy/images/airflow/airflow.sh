#!/bin/bash
# `airflow <args>`. The API server's admin login: AIRFLOW_ADMIN_PASSWORD (deploy/.env, generated)
# goes into the simple auth manager's passwords file, then out of the environment. Without it the
# auth manager generates a password and prints it in the API server's log.
set -euo pipefail
if [ -n "${AIRFLOW_ADMIN_PASSWORD:-}" ]; then
  file="$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"
  umask 077
  # Generated URL-safe passwords only: nothing to escape in JSON.
  [[ "$AIRFLOW_ADMIN_PASSWORD" =~ ^[A-Za-z0-9_-]+$ ]] || { echo "airflow: AIRFLOW_ADMIN_PASSWORD must be URL-safe base64 (npm run images generates one)" >&2; exit 2; }
  printf '{"admin": "%s"}\n' "$AIRFLOW_ADMIN_PASSWORD" > "$file"
fi
unset AIRFLOW_ADMIN_PASSWORD
exec airflow "$@"
