"""Where the servers are, for the apps the DAGs run.

Each address comes from, in order: an Airflow connection (`streamline_postgres`, `streamline_kafka`,
`streamline_schema_registry`, `streamline_cassandra`; in the UI or as `AIRFLOW_CONN_*` env vars),
else an Airflow Variable named like the app's env var in lower case (`pg_host`, `kafka_brokers`,
...), else the env var itself, else the app's own default (the local stack's).
"""
from __future__ import annotations

import logging
import os
from typing import Any, Callable

log = logging.getLogger(__name__)

# The apps' env vars a Variable may set (lower-case name).
APP_SETTINGS = (
    "PG_HOST", "PG_PORT", "PG_USER", "PG_PASSWORD", "PG_DATABASE",
    "KAFKA_BROKERS", "SCHEMA_REGISTRY_URL", "SCHEMA_REGISTRY_USERNAME", "SCHEMA_REGISTRY_PASSWORD",
    "CASSANDRA_CONTACT_POINTS", "CASSANDRA_PORT", "CASSANDRA_LOCAL_DC", "CASSANDRA_KEYSPACE",
    "CASSANDRA_USERNAME", "CASSANDRA_PASSWORD",
    "LOG_LEVEL",
)


def _variable(name: str) -> str | None:
    try:
        from airflow.sdk import Variable

        value = Variable.get(name, default=None)
        return None if value is None else str(value)
    except Exception:  # parsing outside a task (no API to ask): fall back to env
        return None


def setting(name: str, default: str) -> str:
    """An Airflow Variable `name`, else env var NAME (upper case), else `default`."""
    value = _variable(name)
    return value if value is not None else os.environ.get(name.upper(), default)


def schedule_setting(name: str, default: str) -> str | None:
    """A DAG's schedule from `setting`; `none` (any case) means no schedule: runs only when
    triggered (the docker suite's compose stack, whose tests trigger the runs they count)."""
    value = setting(name, default).strip()
    return None if value.lower() == "none" else value


def _postgres(c: Any) -> dict[str, Any]:
    return {"PG_HOST": c.host, "PG_PORT": c.port, "PG_USER": c.login, "PG_PASSWORD": c.password, "PG_DATABASE": c.schema}


def _kafka(c: Any) -> dict[str, Any]:
    extra = c.extra_dejson
    brokers = extra.get("bootstrap_servers") or extra.get("bootstrap.servers")
    if not brokers and c.host:
        brokers = f"{c.host}:{c.port}" if c.port else c.host
    return {"KAFKA_BROKERS": brokers}


def _registry(c: Any) -> dict[str, Any]:
    url = c.extra_dejson.get("url")
    if not url and c.host:
        scheme = "https" if c.conn_type == "https" else "http"
        host = c.host if "://" in c.host else f"{scheme}://{c.host}"
        url = f"{host}{f':{c.port}' if c.port else ''}/{(c.schema or 'apis/ccompat/v7').strip('/')}"
    return {"SCHEMA_REGISTRY_URL": url, "SCHEMA_REGISTRY_USERNAME": c.login, "SCHEMA_REGISTRY_PASSWORD": c.password}


def _cassandra(c: Any) -> dict[str, Any]:
    return {
        "CASSANDRA_CONTACT_POINTS": c.host,
        "CASSANDRA_PORT": c.port,
        "CASSANDRA_KEYSPACE": c.schema,
        "CASSANDRA_LOCAL_DC": c.extra_dejson.get("local_dc"),
        "CASSANDRA_USERNAME": c.login,
        "CASSANDRA_PASSWORD": c.password,
    }


CONNECTIONS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "streamline_postgres": _postgres,
    "streamline_kafka": _kafka,
    "streamline_schema_registry": _registry,
    "streamline_cassandra": _cassandra,
}


def connection_env(conn_id: str, conn: Any) -> dict[str, str]:
    """The apps' env vars one of the CONNECTIONS sets; fields left empty in it set nothing."""
    return {k: str(v) for k, v in CONNECTIONS[conn_id](conn).items() if v not in (None, "")}


def _connection(conn_id: str) -> Any | None:
    from airflow.exceptions import AirflowNotFoundException
    from airflow.sdk import Connection

    try:
        return Connection.get(conn_id)
    except AirflowNotFoundException:
        return None


def app_env(get_connection: Callable[[str], Any | None] = _connection, get_variable: Callable[[str], str | None] = _variable) -> dict[str, str]:
    """Env overrides for an app run inside a task: Variables, then connections on top. Call at run
    time only (it asks Airflow's API)."""
    env = {name: value for name in APP_SETTINGS if (value := get_variable(name.lower())) is not None}
    for conn_id in CONNECTIONS:
        conn = get_connection(conn_id)
        if conn is not None:
            found = connection_env(conn_id, conn)
            log.info("connection %s sets %s", conn_id, ", ".join(sorted(found)) or "nothing")
            env.update(found)
    return env

