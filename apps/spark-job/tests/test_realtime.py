"""Real-time Mode's query building on a local SparkSession: the unknown-schema-id guard, the sink rows
(shared encode_rows: same decode/cleanse/DLQ as micro-batch mode, no dedupe), the restart's registry
lookup and the counts read from the progress. The query itself, on Kafka and a cluster, is tested
through the launcher (apps/spark-launcher/tests/spark-job-realtime.int.test.ts)."""
import pytest
from pyspark.sql import Row

from conftest import PROCESSED_ID, WRITER_ID, kafka_rows
from streamline_job.options import parse_options
from streamline_job.realtime_query import batch_counts, build_realtime_rows
from streamline_job.registry import RegisteredSchema
from streamline_job.schemas import Schemas
from streamline_job.unknown_schemas import MARK, guard_unknown_schema_ids, resolve_ids, unknown_ids_in
from test_stream import FakeRegistry

pytestmark = pytest.mark.usefixtures("needs_avro")

NEW_ID = 99
UNKNOWN_FRAME = b"\x00\x00\x00\x00\x63abc"  # framed, schema id 99


def schemas(created_avsc, processed_avsc):
    return Schemas(
        reader=RegisteredSchema(id=WRITER_ID, schema=created_avsc),
        writers={WRITER_ID: created_avsc},
        processed=RegisteredSchema(id=PROCESSED_ID, schema=processed_avsc),
    )


OPTS = parse_options(["--mode", "realtime", "--processed-topic", "processed", "--dlq-topic", "dlq"])


def test_the_sink_rows_are_the_micro_batch_rows_without_the_dedupe(spark, created_avsc, processed_avsc):
    source = kafka_rows(spark, created_avsc, [{}, {}, {"email": "nope"}], [b"garbage"])
    rows = build_realtime_rows(source, OPTS, schemas(created_avsc, processed_avsc)).collect()
    assert all(set(r.asDict()) == {"topic", "key", "value", "headers"} for r in rows)
    # The duplicate user is written twice: Cassandra's upsert by id makes it one row.
    assert sorted(r["topic"] for r in rows) == ["dlq", "dlq", "processed", "processed"]
    reasons = sorted(
        h["value"].decode() for r in rows if r["topic"] == "dlq" for h in r["headers"] if h["key"] == "dlq.reason"
    )
    assert reasons == ['invalid email "nope": no @', "unknown magic byte 103 (expected 0)"]
    processed = [r for r in rows if r["topic"] == "processed"]
    assert processed[0]["value"][1:5] == PROCESSED_ID.to_bytes(4, "big")


def test_a_framed_record_with_an_unknown_schema_id_fails_the_task_naming_the_id(spark, created_avsc, processed_avsc):
    source = kafka_rows(spark, created_avsc, [{}], [UNKNOWN_FRAME])
    with pytest.raises(Exception) as failure:
        build_realtime_rows(source, OPTS, schemas(created_avsc, processed_avsc)).collect()
    assert MARK in str(failure.value)
    assert unknown_ids_in(failure.value) == [NEW_ID]
    assert unknown_ids_in(RuntimeError("Kafka broker went away")) == []


def test_an_id_the_registry_does_not_know_goes_to_the_dlq_after_the_restart(spark, created_avsc, processed_avsc):
    source = kafka_rows(spark, created_avsc, [{}], [UNKNOWN_FRAME])
    rows = build_realtime_rows(source, OPTS, schemas(created_avsc, processed_avsc), unregistered_ids=[NEW_ID]).collect()
    dlq = [r for r in rows if r["topic"] == "dlq"]
    assert len(dlq) == 1 and dlq[0]["value"] == bytearray(UNKNOWN_FRAME)
    assert {h["key"]: h["value"].decode() for h in dlq[0]["headers"]}["dlq.reason"] == f"unknown schema id {NEW_ID}"
    assert [r["topic"] for r in rows].count("processed") == 1


def test_the_guard_passes_known_ids_and_records_that_are_not_framed(spark, created_avsc):
    source = kafka_rows(spark, created_avsc, [{}], [b"not framed", None])
    assert guard_unknown_schema_ids(source, [WRITER_ID]).count() == 3
    with pytest.raises(Exception, match=MARK + str(WRITER_ID)):
        guard_unknown_schema_ids(source, [1]).collect()


def test_the_restart_asks_the_registry_which_ids_are_registered(created_avsc):
    found = resolve_ids(FakeRegistry({WRITER_ID: created_avsc, NEW_ID: created_avsc}), [NEW_ID, 404])
    assert (found.registered, found.unregistered) == ([NEW_ID], [404])


def test_batch_counts_come_from_the_observed_metrics_of_the_progress():
    progress = {"batchId": 3, "durationMs": {"triggerExecution": 30012}, "observedMetrics": {"counts": Row(records=120, processed=118)}}
    assert batch_counts(progress) == {"batch": 3, "records": 120, "processed": 118, "dlq": 2, "durationMs": 30012}
    assert batch_counts({"batchId": 0, "observedMetrics": {}}) is None
    assert batch_counts({"batchId": 0}) is None
