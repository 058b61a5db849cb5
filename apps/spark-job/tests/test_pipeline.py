"""decode -> classify -> sink rows -> dedupe, on batch DataFrames shaped like the Kafka source."""
import datetime as dt

import pytest
from pyspark.sql import functions as F
from pyspark.sql.avro.functions import from_avro, to_avro

from conftest import OTHER_UUID, PROCESSED_ID, USERS_CREATED_DDL, WRITER_ID, kafka_rows, user_row
from streamline_job import framing
from streamline_job.pipeline import HEADER_TYPE, transform

pytestmark = pytest.mark.usefixtures("needs_avro")

def run_pipeline(rows, created_avsc, processed_avsc, writers=None):
    return transform(rows, writers or {WRITER_ID: created_avsc}, created_avsc, "10 minutes", "processed", "dlq", PROCESSED_ID, processed_avsc)


def headers(row):
    return {h["key"]: bytes(h["value"]).decode() for h in row["headers"]}


def test_frame_prefix_equals_the_unhex_expression(spark):
    expected = spark.range(1).select(F.concat(F.unhex(F.lit("00")), F.unhex(F.lpad(F.hex(F.lit(300)), 8, "0"))).alias("b")).first()["b"]
    assert framing.frame_prefix(300) == bytearray(expected) == bytearray(b"\x00\x00\x00\x01\x2c")
    with pytest.raises(ValueError):
        framing.frame_prefix(2**32)


def test_header_fields_are_read_from_the_wire_format(spark):
    df = spark.createDataFrame([(bytearray(b"\x00\x00\x00\x01\x2cBODY"),), (bytearray(b"\x01\xff\xff\xff\xff"),), (bytearray(b"\x00"),)], "value binary")
    got = df.select(framing.magic_byte(F.col("value")).alias("m"), framing.schema_id(F.col("value")).alias("id"), framing.avro_body(F.col("value")).alias("b")).collect()
    assert [(r["m"], r["id"], bytes(r["b"])) for r in got] == [(0, 300, b"BODY"), (1, 2**32 - 1, b""), (0, None, b"")]


def test_valid_users_are_encoded_framed_and_keyed_by_id(spark, created_avsc, processed_avsc):
    rows = kafka_rows(spark, created_avsc, [{"email": " Jennie.Nichols@Example.com "}, {"id": OTHER_UUID.upper(), "phone": "+44 20 7946 0958"}])
    out = run_pipeline(rows, created_avsc, processed_avsc)
    processed = out.filter(F.col("topic") == "processed")
    assert processed.count() == 2
    assert {bytes(r["key"]).decode() for r in processed.collect()} == {"7a0eed16-9430-4d68-901f-c0d4c1c3bf00", OTHER_UUID}
    assert all(bytes(r["value"][:5]) == b"\x00\x00\x00\x00\x09" for r in processed.collect())
    decoded = processed.select(from_avro(framing.avro_body(F.col("value")), processed_avsc).alias("u")).select("u.*")
    by_id = {r["id"]: r for r in decoded.collect()}
    jennie = by_id["7a0eed16-9430-4d68-901f-c0d4c1c3bf00"]
    assert jennie["email"] == "jennie.nichols@example.com"
    assert jennie["dob"] == dt.date(1992, 3, 8)
    assert jennie["address"] == "8929 Valwood Pkwy, Billings, Michigan, United States"
    assert jennie["registered_date"] == dt.datetime(2007, 7, 9, 5, 51, 59, 390000)
    assert by_id[OTHER_UUID]["phone"] == "+442079460958"
    # published_at is the source row's Kafka timestamp (kafka_rows stamps 2026-01-01), not the job's clock.
    assert {r["published_at"] for r in by_id.values()} == {dt.datetime(2026, 1, 1, 0, 0, 0)}
    assert all(r["processed_at"] > r["published_at"] for r in by_id.values())


def test_undecodable_and_invalid_records_go_to_the_dlq_with_the_original_bytes(spark, created_avsc, processed_avsc):
    raw = [b"no magic byte", b"\x00\x00", b"\x00\x00\x00\x00\x63abc", b"\x00\x00\x00\x00\x07\xff\xff", None]
    rows = kafka_rows(spark, created_avsc, [{"email": "nobody"}], raw)
    out = {r["reason"]: r for r in run_pipeline(rows, created_avsc, processed_avsc).collect()}
    assert set(out) == {
        'invalid email "nobody": no @',
        "unknown magic byte 110 (expected 0)",
        "message of 2 bytes is too short for the Confluent wire format",
        "unknown schema id 99",
        "avro body does not decode with schema id 7",
        "empty message (null value)",
    }
    assert all(r["topic"] == "dlq" for r in out.values())
    garbage = out["unknown magic byte 110 (expected 0)"]
    assert bytes(garbage["value"]) == b"no magic byte" and bytes(garbage["key"]) == b"raw"
    h = headers(garbage)
    assert h["dlq.reason"] == "unknown magic byte 110 (expected 0)"
    assert (h["dlq.stage"], h["dlq.topic"], h["dlq.partition"]) == ("spark", "users_created", "1")
    assert h["dlq.offset"].isdigit()
    assert h["outbox.id"] == "e1"  # the original headers travel along
    assert out["unknown schema id 99"]["unknown_schema_id"] == 99
    assert out["empty message (null value)"]["value"] is None


def test_duplicates_by_id_are_dropped_but_distinct_bad_records_are_kept(spark, created_avsc, processed_avsc):
    rows = kafka_rows(spark, created_avsc, [{}, {}, {"email": "JENNIE.NICHOLS@EXAMPLE.COM"}, {"id": OTHER_UUID}], [b"bad", b"bad"])
    out = run_pipeline(rows, created_avsc, processed_avsc)
    assert out.filter(F.col("topic") == "processed").count() == 2
    assert out.filter(F.col("topic") == "dlq").count() == 2


def test_each_writer_schema_decodes_into_the_reader_schema(spark, created_avsc, processed_avsc):
    # An older writer without national_id_*: the reader's defaults fill them in.
    import json

    schema = json.loads(created_avsc)
    schema["fields"] = [f for f in schema["fields"] if not f["name"].startswith("national_id")]
    old_writer = json.dumps(schema)
    users = spark.createDataFrame([user_row(id=OTHER_UUID)], USERS_CREATED_DDL).drop("national_id_name", "national_id_value")
    old = users.select(F.lit(b"k").cast("binary").alias("key"), framing.frame(3, to_avro(F.struct(*users.columns), old_writer)).alias("value"))
    rows = kafka_rows(spark, created_avsc, [{}]).drop("key", "value")
    rows = rows.limit(1).crossJoin(old).unionByName(kafka_rows(spark, created_avsc, [{}]))
    out = run_pipeline(rows, created_avsc, processed_avsc, writers={3: old_writer, WRITER_ID: created_avsc})
    assert sorted(bytes(r["key"]).decode() for r in out.collect() if r["topic"] == "processed") == sorted(
        [OTHER_UUID, "7a0eed16-9430-4d68-901f-c0d4c1c3bf00"]
    )


def test_the_stream_drops_duplicates_across_micro_batches_and_restarts(spark, created_avsc, processed_avsc, tmp_path):
    """The streaming path (watermark + dropDuplicatesWithinWatermark) on a file source standing in for
    Kafka: a duplicate arriving in a later run, resumed from the checkpoint, is still dropped."""
    source_dir, checkpoint = tmp_path / "in", tmp_path / "checkpoint"
    first = kafka_rows(spark, created_avsc, [{}, {"id": OTHER_UUID}, {}])
    first.write.parquet(str(source_dir / "1"))
    schema = first.schema
    seen = []

    def run_once():
        stream = spark.readStream.schema(schema).option("recursiveFileLookup", "true").parquet(str(source_dir))
        out = transform(stream, {WRITER_ID: created_avsc}, created_avsc, "10 minutes", "processed", "dlq", PROCESSED_ID, processed_avsc)
        query = (
            out.writeStream.option("checkpointLocation", str(checkpoint))
            .foreachBatch(lambda batch, _id: seen.extend((r["topic"], bytes(r["key"]).decode()) for r in batch.collect()))
            .trigger(availableNow=True)
            .start()
        )
        query.awaitTermination(120)

    run_once()
    assert sorted(seen) == sorted([("processed", "7a0eed16-9430-4d68-901f-c0d4c1c3bf00"), ("processed", OTHER_UUID)])
    third = "c1d2e3f4-0000-4000-8000-000000000003"
    kafka_rows(spark, created_avsc, [{}, {"id": third}]).write.parquet(str(source_dir / "2"))
    seen.clear()
    run_once()
    assert seen == [("processed", third)]
