"""DAG tests parse the files the way Airflow does: the dags folder on sys.path (Airflow puts it
there), and a throwaway AIRFLOW_HOME so the tests never touch ~/airflow."""
import os
import sys
import tempfile
from pathlib import Path

DAGS = Path(__file__).resolve().parents[1] / "dags"
sys.path.insert(0, str(DAGS))
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="airflow-home-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
