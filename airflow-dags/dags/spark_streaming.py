"""Airflow DAG that keeps the Spark streaming job running: asks the spark-launcher for its status
and starts it (detached, supervised by the launcher) when it is not running.

No shell: the launcher starts from an argument list; the run's one parameter, `wait_s`, is an
integer with bounds (a trigger whose conf breaks them is refused)."""
from __future__ import annotations

import os
import subprocess
import time
from datetime import timedelta
from typing import Any, Mapping

from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import Param

from streamline_common import ROOT, app_argv, run_app, streamline_dag
from streamline_settings import app_env, setting

LOG = ROOT / ".stack" / "logs" / "apps" / "spark-launcher.log"
# Under the task's 6-minute execution timeout.
MAX_WAIT_S = 330


def wait_seconds(params: Mapping[str, Any]) -> int:
    wait_s = params.get("wait_s")
    if isinstance(wait_s, bool) or not isinstance(wait_s, int) or not 5 <= wait_s <= MAX_WAIT_S:
        raise ValueError(f"param wait_s must be an integer from 5 to {MAX_WAIT_S}, got {wait_s!r}")
    return wait_s


def ensure_running(params: Mapping[str, Any], **_) -> str:
    """`status` exits 0 when the job runs, 3 when not; then start the launcher in its own session
    (it supervises the job and outlives this task) and wait until its streaming query runs."""
    wait_s = wait_seconds(params)
    if run_app("spark-launcher", ["status"]).returncode == 0:
        print("spark job running")
        return "running"
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with open(LOG, "ab") as log:
        subprocess.Popen(
            app_argv("spark-launcher"),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            env={**os.environ, **app_env()},
        )
    for _ in range(wait_s // 5):
        time.sleep(5)
        res = run_app("spark-launcher", ["status"])
        if res.returncode == 0:
            print(res.stdout)
            return "started"
    raise RuntimeError(f"the spark job did not start within {wait_s} s, see {LOG}")


with streamline_dag(
    "spark_streaming",
    description="Make sure the Spark Structured Streaming job runs",
    schedule="*/10 * * * *",
    tag="spark",
    params={"wait_s": Param(int(setting("spark_start_timeout_s", "240")), type="integer", minimum=5, maximum=MAX_WAIT_S, description="seconds to wait for the job to start")},
) as dag:
    PythonOperator(task_id="ensure_running", python_callable=ensure_running, execution_timeout=timedelta(minutes=6))
