"""Fetches users on a schedule: runs the ingestor (the Node app) for a count and a seed derived from
the run, then checks that the run's users reached PostgreSQL staging.

A run's parameters are data: `count` and `source` are declared with a JSON schema (Airflow refuses a
trigger whose conf breaks it) and reach the ingestor as single arguments of an argument list, never
through a shell."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Mapping

from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import Param

from streamline_common import app_json, ingest_run_id, ingest_seed, run_app, streamline_dag
from streamline_settings import schedule_setting, setting

SOURCES = ["generator", "api", "auto"]
MAX_COUNT = 1_000_000


def ingest_arguments(params: Mapping[str, Any], run_id: str) -> list[str]:
    """The ingestor's arguments for a run. Checks the params again (a conf reaching a task some
    other way than a validated trigger stays refused): count an integer in [1, MAX_COUNT], source one of SOURCES."""
    count, source = params.get("count"), params.get("source")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise ValueError(f"param count must be an integer from 1 to {MAX_COUNT}, got {count!r}")
    if source not in SOURCES:
        raise ValueError(f"param source must be one of {', '.join(SOURCES)}, got {source!r}")
    # The seed comes from the run, so a retried or re-run Airflow run fetches the same users (idempotent).
    return ["--count", str(count), "--source", source, "--seed", ingest_seed(run_id), "--run-id", ingest_run_id(run_id), "--json"]


def ingest(params: Mapping[str, Any], run_id: str, **_) -> str:
    """Runs the ingestor; its last stdout line (the JSON summary) is the task's XCom."""
    args = ingest_arguments(params, run_id)
    print(f"ingestor {' '.join(args)}")
    # stderr (the ingestor's log) goes to the task log as it runs.
    res = run_app("ingestor", args, timeout=None, capture_stderr=False)
    if res.returncode != 0:
        raise RuntimeError(f"ingestor exited with {res.returncode}: {res.stdout.strip()[-500:]}")
    return res.stdout.strip().splitlines()[-1]


def check_staged(ti, run_id: str, **_) -> dict:
    """Fails unless every user the ingestor fetched is in staging (new ones under this run's id,
    the rest staged by earlier runs) and nothing was rejected without a reason."""
    summary = json.loads(ti.xcom_pull(task_ids="ingest"))
    if not summary.get("ok", True):
        raise RuntimeError(f"ingestor failed: {summary.get('error')}")
    # The ingestor counts (it owns the staging schema and the server addresses, see app_env).
    staged = app_json("ingestor", ["staged", "--run-id", ingest_run_id(run_id)])["staged"]
    if staged != summary["staged"]:
        raise RuntimeError(f"staging holds {staged} users of run {ingest_run_id(run_id)}, the ingestor reported {summary['staged']}")
    if summary["staged"] + summary["duplicates"] + summary["rejected"] != summary["fetched"]:
        raise RuntimeError(f"fetched {summary['fetched']} but staged {summary['staged']} + duplicates {summary['duplicates']} + rejected {summary['rejected']}")
    print(f"run {ingest_run_id(run_id)}: {staged} new users in staging, {summary['duplicates']} already there, {summary['rejected']} rejected")
    return {"staged": staged, "duplicates": summary["duplicates"], "rejected": summary["rejected"]}


with streamline_dag(
    "user_ingest",
    description="Fetch users (randomuser.me or the offline generator) into PostgreSQL staging",
    schedule=schedule_setting("user_ingest_schedule", "*/5 * * * *"),
    tag="ingest",
    params={
        "count": Param(int(setting("user_ingest_count", "1000")), type="integer", minimum=1, maximum=MAX_COUNT, description="users to fetch"),
        "source": Param(setting("user_ingest_source", "generator"), type="string", enum=SOURCES, description="where the users come from"),
    },
) as dag:
    ingest_task = PythonOperator(task_id="ingest", python_callable=ingest, execution_timeout=timedelta(minutes=15))
    check = PythonOperator(task_id="check_staged", python_callable=check_staged, execution_timeout=timedelta(minutes=2))
    ingest_task >> check
