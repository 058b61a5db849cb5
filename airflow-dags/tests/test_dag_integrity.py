"""Every DAG imports, has no cycle (DagBag checks on load), and has an owner, retries and tags."""
from pathlib import Path

import pytest
from airflow.models import DagBag

DAGS = Path(__file__).resolve().parents[1] / "dags"


@pytest.fixture(scope="module")
def dagbag() -> DagBag:
    return DagBag(dag_folder=str(DAGS))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_the_three_dags_are_there(dagbag):
    assert {"user_ingest", "pipeline_health", "spark_streaming"} <= set(dagbag.dags)


@pytest.mark.parametrize("dag_id", ["user_ingest", "pipeline_health", "spark_streaming"])
def test_owner_retries_tags_and_no_catchup(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert dag.tags and "streamline" in dag.tags
    assert dag.catchup is False
    for task in dag.tasks:
        assert task.owner == "streamline"
        assert task.retries is not None
        assert task.execution_timeout is not None


def test_user_ingest_checks_staging_after_ingesting(dagbag):
    dag = dagbag.dags["user_ingest"]
    assert dag.get_task("check_staged").upstream_task_ids == {"ingest"}
