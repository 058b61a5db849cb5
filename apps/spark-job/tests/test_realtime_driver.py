"""The realtime driver's loop with fake queries (no Spark): restart on an unknown schema id with the
registry's answer, the "batch written" line from the progress, stop on request, other failures raised."""
import io
import json
from types import SimpleNamespace

import pytest
from pyspark.errors import StreamingQueryException
from pyspark.sql import Row

from streamline_job import realtime_driver
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


def run(monkeypatch, queries, registry, stop):
    started = []

    def start(spark, opts, schemas, unregistered):
        started.append((sorted(schemas.writers), sorted(unregistered)))
        return queries.pop(0)

    monkeypatch.setattr(realtime_driver, "start_realtime_query", start)
    out = io.StringIO()
    schemas = Schemas(reader=RegisteredSchema(7, SCHEMA), writers={7: SCHEMA}, processed=RegisteredSchema(9, SCHEMA))
    spark = SimpleNamespace(sparkContext=SimpleNamespace(applicationId="app-1"))
    code = realtime_driver.run_realtime(spark, parse_options(["--mode", "realtime"]), registry, stop, JsonLog(out), schemas)
    return code, started, [json.loads(line) for line in out.getvalue().splitlines()]


def test_restarts_with_a_registered_id_as_writer_and_an_unregistered_one_for_the_dlq(monkeypatch):
    registry = FakeRegistry({7: SCHEMA, 8: SCHEMA, 99: SCHEMA})
    failures = [
        FakeQuery(StreamingQueryException(f"Job aborted: [USER_RAISED_EXCEPTION] {MARK}99 SQLSTATE: P0001")),
        FakeQuery(StreamingQueryException(f"{MARK}404")),
    ]
    progress = {"batchId": 4, "durationMs": {"triggerExecution": 5000}, "observedMetrics": {"counts": Row(records=5, processed=4)}}
    code, started, lines = run(monkeypatch, failures + [FakeQuery(progress=progress)], registry, StopAfter(2))
    assert code == 0
    # Every version of the subject (7, 8) from the start; 99 added after the first failure; 404 sent to the DLQ after the second.
    assert started == [([7], []), ([7, 8, 99], []), ([7, 8, 99], [404])]
    restarts = [line for line in lines if line["msg"] == "restarting the query with new writer schemas"]
    assert [(r["registered"], r["unregistered"]) for r in restarts] == [([99], []), ([], [404])]
    written = [line for line in lines if line["msg"] == "batch written"]
    assert [(w["batch"], w["records"], w["processed"], w["dlq"]) for w in written] == [(4, 5, 4, 1)]
    assert [line["msg"] for line in lines][-2:] == ["stopping", "query stopped"]


def test_another_failure_is_raised_for_the_launcher_to_restart_the_job(monkeypatch):
    with pytest.raises(StreamingQueryException, match="Kafka broker went away"):
        run(monkeypatch, [FakeQuery(StreamingQueryException("Kafka broker went away"))], FakeRegistry({7: SCHEMA}), StopAfter(5))
