"""The job's committed position: where a query resumes from (its checkpoint, else the other mode's
handover, else none) and where each committed batch ends (Spark's progress)."""
from __future__ import annotations

import io
import json

from conftest import contract_events
from streamline_job.checkpoint_handover import handover_offsets
from streamline_job.committed_position import log_progress_position, progress_position, resume_position
from streamline_job.job_contract import COMMITTED_POSITION
from streamline_job.log import JsonLog
from test_checkpoint_handover import TOPIC, write_batch


def test_a_query_resumes_from_its_latest_committed_batch(tmp_path):
    write_batch(tmp_path / "realtime", 3, {TOPIC: {"0": 30, "1": 31, "2": 32}})
    write_batch(tmp_path / "realtime", 4, {TOPIC: {"10": 1, "2": 42, "0": 40, "1": 41}})
    write_batch(tmp_path / "realtime", 5, {TOPIC: {"0": 50}}, committed=False)
    assert resume_position(str(tmp_path), "realtime", TOPIC) == {
        "query": "realtime",
        "topic": TOPIC,
        "resumed": True,
        "batch": 4,
        "offsets": {"0": 40, "1": 41, "2": 42, "10": 1},
    }


def test_after_a_mode_switch_it_resumes_where_the_other_mode_left_off(tmp_path):
    write_batch(tmp_path / "cleanse", 7, {TOPIC: {"0": 120, "1": 98, "2": 131}})
    handover = handover_offsets(str(tmp_path), "realtime", "cleanse", TOPIC)
    assert resume_position(str(tmp_path), "realtime", TOPIC, handover) == {
        "query": "realtime",
        "topic": TOPIC,
        "resumed": True,
        "offsets": {"0": 120, "1": 98, "2": 131},
        "fromQuery": "cleanse",
    }


def test_a_new_query_resumes_from_nothing(tmp_path):
    write_batch(tmp_path / "realtime", 0, {TOPIC: {"0": 5}}, committed=False)
    assert resume_position(str(tmp_path), "realtime", TOPIC) == {"query": "realtime", "topic": TOPIC, "resumed": True}


def test_a_committed_batch_ends_at_its_progress_end_offsets():
    # Spark 4's SourceProgress holds the offsets as JSON text; a dict (older Spark, tests) is read too.
    as_text = {"batchId": 9, "sources": [{"endOffset": json.dumps({TOPIC: {"1": 7, "0": 12}})}]}
    as_dict = {"batchId": 9, "sources": [{"endOffset": {TOPIC: {"1": 7, "0": 12}}}]}
    expected = {"query": "cleanse", "topic": TOPIC, "batch": 9, "offsets": {"0": 12, "1": 7}, "resumed": False}
    assert progress_position(as_text, "cleanse", TOPIC) == expected
    assert progress_position(as_dict, "cleanse", TOPIC) == expected
    assert progress_position({"batchId": 9, "sources": [{"endOffset": json.dumps({"other": {"0": 1}})}]}, "cleanse", TOPIC) is None
    assert progress_position({"batchId": 9, "sources": []}, "cleanse", TOPIC) is None


def test_it_is_logged_as_the_contracts_event():
    out = io.StringIO()
    log_progress_position(JsonLog(out), {"batchId": 2, "sources": [{"endOffset": json.dumps({TOPIC: {"0": 3}})}]}, "realtime", TOPIC)
    log_progress_position(JsonLog(out), {"batchId": 3, "sources": [{"endOffset": None}]}, "realtime", TOPIC)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(e["msg"], e["batch"], e["offsets"]) for e in contract_events(lines)] == [(COMMITTED_POSITION, 2, {"0": 3})]
    assert len(lines) == 1
