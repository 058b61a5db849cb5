"""Fetches users on a schedule: runs the ingestor (the Node app) for a count and a seed derived from
the run, then checks that the run's users reached PostgreSQL staging."""
from __future__ import annotations

import json
import shlex
from datetime import timedelta

from airflow.providers.standard.operators.python import PythonOperator

from streamline_common import NodeAppOperator, app_json, ingest_run_id, ingest_seed, streamline_dag
from streamline_settings import setting


def check_staged(ti, run_id: str, **_) -> dict:
    """Fails unless every user the ingestor fetched is in staging (new ones under this run's id,
    the rest staged by earlier runs) and nothing was rejected without a reason."""
    summary = json.loads(ti.xcom_pull(task_ids="ingest"))
    if not summary.get("ok", True):
        raise RuntimeError(f"ingestor failed: {summary.get('error')}")
    # The ingestor counts (it owns the staging schema and the server addresses, see app_env).
    staged = app_json("ingestor", f"staged --run-id {shlex.quote(ingest_run_id(run_id))}")["staged"]
    if staged != summary["staged"]:
        raise RuntimeError(f"staging holds {staged} users of run {ingest_run_id(run_id)}, the ingestor reported {summary['staged']}")
    if summary["staged"] + summary["duplicates"] + summary["rejected"] != summary["fetched"]:
        raise RuntimeError(f"fetched {summary['fetched']} but staged {summary['staged']} + duplicates {summary['duplicates']} + rejected {summary['rejected']}")
    print(f"run {ingest_run_id(run_id)}: {staged} new users in staging, {summary['duplicates']} already there, {summary['rejected']} rejected")
    return {"staged": staged, "duplicates": summary["duplicates"], "rejected": summary["rejected"]}


with streamline_dag(
    "user_ingest",
    description="Fetch users (randomuser.me or the offline generator) into PostgreSQL staging",
    schedule=setting("user_ingest_schedule", "*/5 * * * *"),
    tag="ingest",
    user_defined_macros={"ingest_run_id": ingest_run_id, "ingest_seed": ingest_seed},
) as dag:
    ingest = NodeAppOperator(
        task_id="ingest",
        app="ingestor",
        # The seed comes from the run, so a retried or re-run Airflow run fetches the same users (idempotent).
        arguments=(
            "--count {{ params.count }} --source {{ params.source }} --seed {{ ingest_seed(run_id) }}"
            " --run-id {{ ingest_run_id(run_id) }} --json"
        ),
        params={"count": int(setting("user_ingest_count", "1000")), "source": setting("user_ingest_source", "generator")},
        do_xcom_push=True,
        execution_timeout=timedelta(minutes=15),
    )
    check = PythonOperator(task_id="check_staged", python_callable=check_staged, execution_timeout=timedelta(minutes=2))
    ingest >> check
