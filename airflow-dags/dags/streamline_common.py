"""Shared by the streamline DAGs: where the apps are, how to run them, where the servers are.

Settings come from Airflow Variables when set (Admin > Variables), else from the environment,
else the local stack's defaults.
"""
from __future__ import annotations

import os
import re
import shlex
from datetime import timedelta
from pathlib import Path

ROOT = Path(os.environ.get("STREAMLINE_ROOT", Path(__file__).resolve().parents[2]))

DEFAULT_ARGS = {
    "owner": "streamline",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
}


def setting(name: str, default: str) -> str:
    """An Airflow Variable `name`, else env var NAME (upper case), else `default`."""
    try:
        from airflow.sdk import Variable

        value = Variable.get(name, default=None)
        if value is not None:
            return str(value)
    except Exception:  # parsing outside a task (no API to ask): fall back to env
        pass
    return os.environ.get(name.upper(), default)


def app_command(app: str, args: str) -> str:
    """Shell command running one of the Node apps: the built bundle when there is one, else the source
    through tsx (the repo's dev setup)."""
    bundle = ROOT / "dist" / "apps" / app / "main.js"
    if bundle.exists():
        runner = f"node {shlex.quote(str(bundle))}"
    else:
        runner = f"{shlex.quote(str(ROOT / 'node_modules' / '.bin' / 'tsx'))} {shlex.quote(str(ROOT / 'apps' / app / 'src' / 'main.ts'))}"
    return f"cd {shlex.quote(str(ROOT))} && {runner} {args}"


def ingest_run_id(airflow_run_id: str) -> str:
    """The ingestor's run id for an Airflow run: its characters limited to what the ingestor accepts."""
    return ("airflow-" + re.sub(r"[^\w.:-]", "-", airflow_run_id))[:100]


def ingest_seed(airflow_run_id: str) -> str:
    """The ingestor's seed for an Airflow run: a retry or re-run fetches the same users (idempotent)."""
    return re.sub(r"[^\w.-]", "-", airflow_run_id)[:64]


def pg_dsn() -> str:
    return (
        f"host={setting('pg_host', '127.0.0.1')} port={setting('pg_port', '5433')} "
        f"user={setting('pg_user', 'streamline')} password={setting('pg_password', 'streamline')} "
        f"dbname={setting('pg_database', 'streamline')}"
    )
