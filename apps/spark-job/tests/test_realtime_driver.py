"""The realtime driver's loop with fake queries (no Spark): restart on an unknown schema id with the
registry's answer, the "batch written" line from the progress, stop on request, other failures raised."""
import io
import json
from types import SimpleNamespace

import pytest
from pyspark.errors import StreamingQueryException
from pyspark.sql import Row

from conftest import contract_events
from streamline_job import realtime_driver
from streamline_job.job_contract import BATCH_WRITTEN, COMMITTED_POSITION
from streamline_job.log import JsonLog
from streamline_job.options import parse_options
from streamline_job.registry import RegisteredSchema
from streamline_job.schemas import Schemas
from streamline_job.unknown_schemas import MARK
from test_stream import FakeRegistry

SCHEMA = '{"type": "record", "name": "u", "fields": []}'


class FakeQuery:
    def __init__(self, failure=None, progress=None):
        self.failure, self.lastProgress, self.stopped, self.polls = failure, progress, False, 0

    def awaitTermination(self, timeout):
        self.polls += 1
        if self.failure:
            raise self.failure
        return self.stopped

    def stop(self):
        self.stopped = True


class StopAfter:
    def __init__(self, polls):
        self.polls = polls

    def reason(self):
        self.polls -= 1
        return "stop file" if self.polls <= 0 else None


def run(monkeypatch, queries, registry, stop, checkpoint_dir="/nonexistent/checkpoint"):
    started = []

    def start(spark, opts, schemas, unregistered):
        started.append((sorted(schemas.writers), sorted(unregistered)))
        return queries.pop(0)

    monkeypatch.setattr(realtime_driver, "start_realtime_query", start)
    out = io.StringIO()
    schemas = Schemas(reader=RegisteredSchema(7, SCHEMA), writers={7: SCHEMA}, processed=RegisteredSchema(9, SCHEMA))
    spark = SimpleNamespace(sparkContext=SimpleNamespace(applicationId="app-1"))
    code = realtime_driver.run_realtime(spark, parse_options(["--mode", "realtime", "--checkpoint-dir", str(checkpoint_dir)]), registry, stop, JsonLog(out), schemas)
    return code, started, [json.loads(line) for line in out.getvalue().splitlines()]


def test_restarts_with_a_registered_id_as_writer_and_an_unregistered_one_for_the_dlq(monkeypatch, tmp_path):
    registry = FakeRegistry({7: SCHEMA, 8: SCHEMA, 99: SCHEMA})
    failures = [
        FakeQuery(StreamingQueryException(f"Job aborted: [USER_RAISED_EXCEPTION] {MARK}99 SQLSTATE: P0001")),
        FakeQuery(StreamingQueryException(f"{MARK}404")),
    ]
    progress = {
        "batchId": 4,
        "durationMs": {"triggerExecution": 5000},
        "observedMetrics": {"counts": Row(records=5, processed=4)},
        "sources": [{"endOffset": '{"users_created":{"0":40,"2":42,"1":41}}', "metrics": {}}],
    }
    code, started, lines = run(monkeypatch, failures + [FakeQuery(progress=progress)], registry, StopAfter(2), tmp_path)
    assert code == 0
    # Every version of the subject (7, 8) from the start; 99 added after the first failure; 404 sent to the DLQ after the second.
    assert started == [([7], []), ([7, 8, 99], []), ([7, 8, 99], [404])]
    restarts = [line for line in lines if line["msg"] == "restarting the query with new writer schemas"]
    assert [(r["registered"], r["unregistered"]) for r in restarts] == [([99], []), ([], [404])]
    written = contract_events(lines, BATCH_WRITTEN)
    assert [(w["batch"], w["records"], w["processed"], w["dlq"]) for w in written] == [(4, 5, 4, 1)]
    # Each start reports what it resumes from (nothing committed: no batch, no offsets), and the batch
    # end its offsets, after its counts.
    positions = contract_events(lines, COMMITTED_POSITION)
    assert [(p["resumed"], p.get("batch"), p.get("offsets")) for p in positions] == [(True, None, None)] * 3 + [(False, 4, {"0": 40, "1": 41, "2": 42})]
    assert lines.index(positions[-1]) > lines.index(written[0])
    assert [line["msg"] for line in lines][-2:] == ["stopping", "query stopped"]
    assert len(contract_events(lines)) == 3 + 4 + 1 + 1  # 3 starts, 4 positions, 1 progress, 1 written


def test_another_failure_is_raised_for_the_launcher_to_restart_the_job(monkeypatch):
    with pytest.raises(StreamingQueryException, match="Kafka broker went away"):
        run(monkeypatch, [FakeQuery(StreamingQueryException("Kafka broker went away"))], FakeRegistry({7: SCHEMA}), StopAfter(5))


def test_a_restart_resumes_from_the_latest_committed_batch(monkeypatch, tmp_path):
    from test_checkpoint_handover import write_batch

    write_batch(tmp_path / "realtime", 6, {"users_created": {"0": 60, "1": 61, "2": 62}})
    _, _, lines = run(monkeypatch, [FakeQuery()], FakeRegistry({7: SCHEMA}), StopAfter(1), tmp_path)
    [start] = contract_events(lines, COMMITTED_POSITION)
    assert (start["query"], start["batch"], start["offsets"], start["resumed"]) == ("realtime", 6, {"0": 60, "1": 61, "2": 62}, True)
