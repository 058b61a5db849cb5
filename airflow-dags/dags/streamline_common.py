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
from typing import Any, Sequence

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


def app_argv(app: str, args: Sequence[str] = ()) -> list[str]:
    """The argument list running one of the Node apps through the project's one entry for that,
    libs/app-runner/bin/run-app.mjs (the source through tsx in a checkout, the bundle in an image),
    the same code `npm start`, the tests and the benches use. A list, never a shell string: a run's
    parameters stay data (a `count` of "1; rm -rf ~" is one argument the app refuses)."""
    if isinstance(args, str):
        raise TypeError(f"app_argv({app!r}): args must be a list of arguments, not the string {args!r}")
    runner = ROOT / "libs" / "app-runner" / "bin" / "run-app.mjs"
    return ["node", str(runner), app, *(str(a) for a in args)]


def ingest_run_id(airflow_run_id: str) -> str:
    """The ingestor's run id for an Airflow run: its characters limited to what the ingestor accepts."""
    return ("airflow-" + re.sub(r"[^\w.:-]", "-", airflow_run_id))[:100]


def ingest_seed(airflow_run_id: str) -> str:
    """The ingestor's seed for an Airflow run: a retry or re-run fetches the same users (idempotent)."""
    return re.sub(r"[^\w.-]", "-", airflow_run_id)[:64]


def run_app(app: str, args: Sequence[str], timeout: int | None = 120, capture_stderr: bool = True) -> subprocess.CompletedProcess:
    """Runs an app (no shell) with the servers' addresses from `app_env` on top of the worker's env.
    stdout is captured; stderr too unless `capture_stderr` is False (then it goes to the task log).
    subprocess.run kills the app when the task is interrupted (timeout, SIGTERM)."""
    return subprocess.run(
        app_argv(app, args),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if capture_stderr else None,
        text=True,
        timeout=timeout,
        env={**os.environ, **app_env()},
    )


def app_json(app: str, args: Sequence[str]) -> dict:
    """Runs an app command that ends by printing one JSON line; fails with its stderr otherwise."""
    res = run_app(app, args)
    if res.returncode != 0:
        raise RuntimeError(f"{app} {shlex.join(args)} failed: {res.stderr.strip()[-500:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])
