"""The micro-batch writer and the schema bookkeeping, with a fake registry and a sink that collects."""
import io
import json

import pytest

from conftest import PROCESSED_ID, WRITER_ID, kafka_rows
from streamline_job.log import JsonLog
from streamline_job.options import parse_options
from streamline_job.pipeline import transform
from streamline_job.registry import RegisteredSchema, RegistryClient
from streamline_job.stream import RunState, SchemaSetChangedError, load_schemas, make_batch_writer

pytestmark = pytest.mark.usefixtures("needs_avro")


class FakeRegistry(RegistryClient):
    def __init__(self, known):
        super().__init__("http://registry", fetch=lambda url, timeout: None)
        self.known = known

    def schema_by_id(self, schema_id):
        return self.known.get(schema_id)

    def latest(self, subject):
        return RegisteredSchema(id=max(self.known), schema=self.known[max(self.known)])

    def all_versions(self, subject):
        return {i: s for i, s in self.known.items() if i < 100}


def batch(spark, created_avsc, processed_avsc, raw=()):
    rows = kafka_rows(spark, created_avsc, [{}, {"email": "nope"}], raw)
    return transform(rows, {WRITER_ID: created_avsc}, created_avsc, "10 minutes", "processed", "dlq", PROCESSED_ID, processed_avsc)


def writer(registry, sink_rows):
    out = io.StringIO()
    state = RunState()
    write = make_batch_writer(parse_options([]), registry, state, JsonLog(out), sink=lambda df: sink_rows.extend(df.collect()))
    return write, state, out


def test_a_batch_is_written_in_one_sink_call_and_counted(spark, created_avsc, processed_avsc):
    written = []
    write, state, out = writer(FakeRegistry({WRITER_ID: created_avsc}), written)
    write(batch(spark, created_avsc, processed_avsc, [b"\x00\x00\x00\x00\x63abc"]), 4)
    assert sorted(r["topic"] for r in written) == ["dlq", "dlq", "processed"]
    assert set(written[0].asDict()) == {"topic", "key", "value", "headers"}
    entry = json.loads(out.getvalue())
    assert entry["msg"] == "batch written"
    assert (entry["batch"], entry["records"], entry["processed"], entry["dlq"], entry["unknownSchemaIds"]) == (4, 3, 1, 2, [99])
    assert state.new_schema_ids == []


def test_a_schema_registered_after_the_start_restarts_the_query_before_anything_is_written(spark, created_avsc, processed_avsc):
    written = []
    write, state, _ = writer(FakeRegistry({WRITER_ID: created_avsc, 99: created_avsc}), written)
    with pytest.raises(SchemaSetChangedError, match=r"new writer schema ids \[99\]"):
        write(batch(spark, created_avsc, processed_avsc, [b"\x00\x00\x00\x00\x63abc"]), 5)
    assert written == []
    assert state.new_schema_ids == [99]


def test_an_empty_batch_writes_nothing(spark, created_avsc, processed_avsc):
    written = []
    write, _, out = writer(FakeRegistry({WRITER_ID: created_avsc}), written)
    write(batch(spark, created_avsc, processed_avsc).limit(0), 6)
    assert written == [] and out.getvalue() == ""


def test_load_schemas_reads_every_writer_and_ids_met_in_messages(created_avsc, processed_avsc):
    registry = FakeRegistry({1: created_avsc, 2: created_avsc, 150: created_avsc})
    opts = parse_options(["--processed-schema-id", "2"])
    schemas = load_schemas(registry, opts, extra_writer_ids=[150, 404])
    assert sorted(schemas.writers) == [1, 2, 150]
    assert schemas.reader.id == 150
    assert schemas.processed.id == 2
    with pytest.raises(ValueError, match="--processed-schema-id 404 is unknown"):
        load_schemas(registry, parse_options(["--processed-schema-id", "404"]))


def test_progress_fields_reduce_sparks_progress_to_what_the_launcher_exports():
    from streamline_job.stream import progress_fields

    progress = {
        "batchId": 7,
        "numInputRows": 1200,
        "inputRowsPerSecond": 240.0,
        "processedRowsPerSecond": 800.5,
        "durationMs": {"triggerExecution": 1500, "addBatch": 1200},
        "sources": [{"metrics": {"maxOffsetsBehindLatest": "30", "avgOffsetsBehindLatest": "10.0"}}],
    }
    assert progress_fields(progress) == {
        "batch": 7,
        "inputRows": 1200,
        "inputRowsPerSecond": 240.0,
        "processedRowsPerSecond": 800.5,
        "durationMs": 1500,
        "offsetsBehind": 30,
    }
    assert progress_fields({"batchId": 0, "sources": [{"metrics": {}}]})["offsetsBehind"] is None


def test_the_microbatch_loop_reports_where_it_resumes_and_each_committed_batch(monkeypatch, tmp_path):
    from types import SimpleNamespace

    from conftest import contract_events
    from streamline_job import stream
    from streamline_job.job_contract import COMMITTED_POSITION, QUERY_PROGRESS, QUERY_STARTED
    from streamline_job.registry import RegisteredSchema
    from streamline_job.schemas import Schemas
    from test_checkpoint_handover import write_batch

    write_batch(tmp_path / "cleanse", 11, {"users_created": {"0": 5, "1": 6}})
    progress = {"batchId": 12, "numInputRows": 3, "durationMs": {"triggerExecution": 800}, "sources": [{"endOffset": '{"users_created":{"0":7,"1":7}}', "metrics": {}}]}

    class Query:
        lastProgress, isActive = progress, False

        def awaitTermination(self, timeout):
            return False

        def stop(self):
            pass

    class StopAfterTwoPolls:
        polls = 0

        def reason(self):
            self.polls += 1
            return "stop file" if self.polls >= 2 else None

    monkeypatch.setattr(stream, "start_query", lambda *args: Query())
    out = io.StringIO()
    schema = '{"type": "record", "name": "u", "fields": []}'
    schemas = Schemas(reader=RegisteredSchema(7, schema), writers={7: schema}, processed=RegisteredSchema(9, schema))
    spark = SimpleNamespace(sparkContext=SimpleNamespace(applicationId="app-2"))
    opts = parse_options(["--mode", "microbatch", "--checkpoint-dir", str(tmp_path)])
    assert stream.run_microbatch(spark, opts, FakeRegistry({7: schema}), StopAfterTwoPolls(), JsonLog(out), schemas) == 0
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    events = contract_events(lines)
    assert [e["msg"] for e in events] == [QUERY_STARTED, COMMITTED_POSITION, QUERY_PROGRESS, COMMITTED_POSITION]
    assert [(e["batch"], e["offsets"], e["resumed"]) for e in events if e["msg"] == COMMITTED_POSITION] == [(11, {"0": 5, "1": 6}, True), (12, {"0": 7, "1": 7}, False)]
