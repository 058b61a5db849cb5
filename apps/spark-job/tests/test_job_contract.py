"""The job's side of the contract: job_contract.py (generated) holds exactly the data of
libs/spark-job-contract/job-contract.json, and the parser declares exactly its options."""
import json
import re

from conftest import REPO
from streamline_job import job_contract
from streamline_job.options import JobOptions, build_parser
from streamline_job.realtime_query import QUERY_NAME as REALTIME_QUERY

OWNER = REPO / "libs" / "spark-job-contract" / "job-contract.json"


def test_the_generated_module_matches_the_contract():
    # On failure: run `npm run gen:job-options` (never edit job_contract.py).
    assert job_contract.CONTRACT == json.loads(OWNER.read_text())


def test_the_parser_declares_the_contracts_options_with_their_defaults():
    parser = build_parser()
    declared = {a.option_strings[0]: a for a in parser._actions if a.option_strings and a.dest != "help"}
    assert list(declared) == [o["flag"] for o in job_contract.OPTIONS]
    for spec in job_contract.OPTIONS:
        assert declared[spec["flag"]].default == spec["default"], spec["flag"]
    assert {a.dest for a in declared.values()} | {"kafka_login"} == {f.name for f in JobOptions.__dataclass_fields__.values()}


def test_each_mode_has_its_query_name():
    import streamline_job.stream as stream

    assert (stream.QUERY_NAME, REALTIME_QUERY) == (job_contract.QUERY_NAMES["microbatch"], job_contract.QUERY_NAMES["realtime"])


def test_each_event_has_its_constant_and_the_job_writes_no_event_msg_literally():
    assert {name: job_contract.EVENTS[name]["msg"] for name in job_contract.EVENTS} == {
        "queryStarted": job_contract.QUERY_STARTED,
        "committedPosition": job_contract.COMMITTED_POSITION,
        "batchWritten": job_contract.BATCH_WRITTEN,
        "queryProgress": job_contract.QUERY_PROGRESS,
        "jobFailed": job_contract.JOB_FAILED,
    }
    # Logged through the constants only: a log call with an event's msg in quotes would drift from the contract.
    msgs = "|".join(re.escape(e["msg"]) for e in job_contract.EVENTS.values())
    logged = re.compile(rf"""\.(debug|info|warn|error)\(\s*["']({msgs})["']""")
    sources = (REPO / "apps" / "spark-job" / "streamline_job").glob("*.py")
    assert [(path.name, m.group(2)) for path in sources for m in logged.finditer(path.read_text())] == []
    assert logged.search('log.info(\n    "batch written", batch=1)')  # what it looks for
