"""Shared by the streamline DAGs: where the apps are and how to run them (a task's app gets the
servers' addresses from `streamline_settings.app_env`)."""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG

from streamline_settings import app_env

ROOT = Path(os.environ.get("STREAMLINE_ROOT", Path(__file__).resolve().parents[2]))

DEFAULT_ARGS = {
    "owner": "streamline",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
}


def streamline_dag(dag_id: str, *, description: str, schedule: str, tag: str, default_args: dict | None = None, **kwargs: Any) -> DAG:
    """A DAG under the project's policy: tagged `streamline`, no catchup, one run at a time."""
    return DAG(
        dag_id=dag_id,
        description=description,
        schedule=schedule,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=1,
        tags=["streamline", tag],
        default_args=DEFAULT_ARGS if default_args is None else default_args,
        **kwargs,
    )


def app_command(app: str, args: str) -> str:
    """Shell command running one of the Node apps through the project's one entry for that,
    libs/app-runner/bin/run-app.mjs (the source through tsx in a checkout, the bundle in an image),
    the same code `npm start`, the tests and the benches use."""
    runner = ROOT / "libs" / "app-runner" / "bin" / "run-app.mjs"
    return f"cd {shlex.quote(str(ROOT))} && node {shlex.quote(str(runner))} {shlex.quote(app)} {args}"


def ingest_run_id(airflow_run_id: str) -> str:
    """The ingestor's run id for an Airflow run: its characters limited to what the ingestor accepts."""
    return ("airflow-" + re.sub(r"[^\w.:-]", "-", airflow_run_id))[:100]


def ingest_seed(airflow_run_id: str) -> str:
    """The ingestor's seed for an Airflow run: a retry or re-run fetches the same users (idempotent)."""
    return re.sub(r"[^\w.-]", "-", airflow_run_id)[:64]


class AppEnvBashOperator(BashOperator):
    """A BashOperator whose env holds the servers' addresses from Airflow connections / Variables
    (resolved when the task runs, not at parse time), on top of the worker's env."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(append_env=True, **kwargs)

    def execute(self, context: Any) -> Any:
        self.env = {**(self.env or {}), **app_env()}
        return super().execute(context)


class NodeAppOperator(AppEnvBashOperator):
    """Runs one of the Node apps with `arguments` (Jinja-templated)."""

    def __init__(self, *, app: str, arguments: str, **kwargs: Any) -> None:
        super().__init__(bash_command=app_command(app, arguments), **kwargs)


def run_app(app: str, args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Runs an app inside a Python task, with the same env as NodeAppOperator gives it."""
    return subprocess.run(app_command(app, args), shell=True, capture_output=True, text=True, timeout=timeout, env={**os.environ, **app_env()})


def app_json(app: str, args: str) -> dict:
    """Runs an app command that ends by printing one JSON line; fails with its stderr otherwise."""
    res = run_app(app, args)
    if res.returncode != 0:
        raise RuntimeError(f"{app} {args} failed: {res.stderr.strip()[-500:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])
