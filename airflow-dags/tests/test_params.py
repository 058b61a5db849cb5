"""A run's parameters are data: the DAGs declare them with a JSON schema that refuses hostile conf,
the tasks check them again, and the apps start from argument lists (no shell anywhere)."""
import copy
from pathlib import Path

import pytest
from airflow.models import DagBag
from airflow.sdk.exceptions import ParamValidationError

import spark_streaming
import streamline_common
import user_ingest

DAGS = Path(__file__).resolve().parents[1] / "dags"
HOSTILE = ["1; touch /tmp/pwned", "$(touch /tmp/pwned)", "`id`", "generator && id", "1\nid", "' ; id ; '"]


@pytest.fixture(scope="module")
def dagbag() -> DagBag:
    return DagBag(dag_folder=str(DAGS))


def validate(dag, conf: dict) -> dict:
    """What Airflow does with a trigger's conf (create_dagrun: the DAG's params, the conf on top, validated)."""
    params = copy.deepcopy(dag.params)
    params.update(conf)
    return params.validate()


@pytest.mark.parametrize("value", HOSTILE + [0, -5, 10**9, 1.5, True, None])
def test_user_ingest_refuses_a_hostile_count(dagbag, value):
    with pytest.raises(ParamValidationError, match="Invalid input for param count"):
        validate(dagbag.dags["user_ingest"], {"count": value})


@pytest.mark.parametrize("value", HOSTILE + ["GENERATOR", "", 5])
def test_user_ingest_refuses_a_hostile_source(dagbag, value):
    with pytest.raises(ParamValidationError, match="Invalid input for param source"):
        validate(dagbag.dags["user_ingest"], {"source": value})


@pytest.mark.parametrize("value", HOSTILE + [0, 10**6, "60"])
def test_spark_streaming_refuses_a_hostile_wait(dagbag, value):
    with pytest.raises(ParamValidationError, match="Invalid input for param wait_s"):
        validate(dagbag.dags["spark_streaming"], {"wait_s": value})


def test_valid_conf_passes(dagbag):
    assert validate(dagbag.dags["user_ingest"], {"count": 250, "source": "api"}) == {"count": 250, "source": "api"}
    assert validate(dagbag.dags["spark_streaming"], {"wait_s": 60}) == {"wait_s": 60}


@pytest.mark.parametrize("value", HOSTILE + [0, "250", True])
def test_the_task_checks_count_again(value):
    with pytest.raises(ValueError, match="param count must be an integer"):
        user_ingest.ingest_arguments({"count": value, "source": "generator"}, "manual__1")


def test_the_task_checks_source_and_wait_again():
    with pytest.raises(ValueError, match="param source must be one of"):
        user_ingest.ingest_arguments({"count": 1, "source": "generator; id"}, "manual__1")
    with pytest.raises(ValueError, match="param wait_s must be an integer"):
        spark_streaming.wait_seconds({"wait_s": "60; id"})


def test_a_hostile_run_id_stays_one_plain_argument():
    args = user_ingest.ingest_arguments({"count": 5, "source": "generator"}, "manual__x; touch /tmp/pwned $(id)")
    assert args[:4] == ["--count", "5", "--source", "generator"]
    assert len(args) == 9  # the run id added no argument
    assert args[args.index("--run-id") + 1] == "airflow-manual__x--touch--tmp-pwned---id-"
    assert args[args.index("--seed") + 1] == "manual__x--touch--tmp-pwned---id-"


def test_apps_start_from_an_argument_list_never_a_string():
    argv = streamline_common.app_argv("ingestor", ["--count", "1; id"])
    assert argv[0] == "node" and argv[2:] == ["ingestor", "--count", "1; id"]
    with pytest.raises(TypeError, match="must be a list"):
        streamline_common.app_argv("ingestor", "--count 1; id")


def test_no_dag_runs_a_shell(dagbag):
    for dag in dagbag.dags.values():
        for task in dag.tasks:
            assert not hasattr(task, "bash_command"), f"{dag.dag_id}.{task.task_id} runs a shell"


def test_no_task_templates_a_run_value(dagbag):
    """Conf and params reach the tasks as Python values only: no templated field renders them into text."""
    for dag in dagbag.dags.values():
        for task in dag.tasks:
            for field in task.template_fields:
                value = getattr(task, field, None)
                assert "{{" not in str(value), f"{dag.dag_id}.{task.task_id}.{field} templates {value!r}"


def test_pipeline_health_takes_no_params(dagbag):
    """Its conf is never read: undeclared keys of a trigger go nowhere."""
    assert dict(dagbag.dags["pipeline_health"].params) == {}
