"""Watches the stages and fails loudly, with the reason, when one is stuck: the relay's outbox lag,
the Spark job's state (through the launcher) and the Cassandra writer's consumer lag."""
from __future__ import annotations

from datetime import timedelta

from airflow.providers.standard.operators.python import PythonOperator

from streamline_common import DEFAULT_ARGS, app_json, run_app as _run, streamline_dag
from streamline_settings import setting


def relay_lag(**_) -> dict:
    lag = app_json("relay", ["--lag"])
    max_age = int(setting("max_relay_lag_ms", "300000"))
    if lag["oldestAgeMs"] is not None and lag["oldestAgeMs"] > max_age:
        raise RuntimeError(f"relay stuck: {lag['unpublished']} unpublished outbox rows, the oldest {lag['oldestAgeMs']} ms old (limit {max_age} ms)")
    print(f"relay lag: {lag}")
    return lag


def spark_job(**_) -> str:
    res = _run("spark-launcher", ["status", "--json"])
    if res.returncode != 0:
        raise RuntimeError(f"spark job not running: {res.stdout.strip()[-500:] or res.stderr.strip()[-500:]}")
    print(res.stdout)
    return "running"


def writer_lag(**_) -> dict:
    lag = app_json("cassandra-writer", ["lag"])
    limit = int(setting("max_writer_lag", "100000"))
    if lag["total"] > limit:
        raise RuntimeError(f"cassandra-writer behind: {lag['total']} messages not yet stored (limit {limit}), per partition {lag['partitions']}")
    print(f"writer lag: {lag['total']}")
    return lag


with streamline_dag(
    "pipeline_health",
    description="Fail loudly when a stage of the pipeline is stuck",
    schedule="*/5 * * * *",
    tag="monitoring",
    default_args={**DEFAULT_ARGS, "retries": 0},
) as dag:
    PythonOperator(task_id="relay_lag", python_callable=relay_lag, execution_timeout=timedelta(minutes=3))
    PythonOperator(task_id="spark_job", python_callable=spark_job, execution_timeout=timedelta(minutes=3))
    PythonOperator(task_id="writer_lag", python_callable=writer_lag, execution_timeout=timedelta(minutes=3))
