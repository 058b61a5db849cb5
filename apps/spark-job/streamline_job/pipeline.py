"""The transformation from Kafka rows (key, value, topic, partition, offset, timestamp, headers) to
rows for the Kafka sink (topic, key, value, headers): valid users to the processed topic, everything
else to the DLQ with the reason in headers."""
from __future__ import annotations

from typing import Dict

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.avro.functions import from_avro, to_avro

from . import framing
from .cleansing import invalid_reason, processed_struct, processing_time

DLQ_STAGE = "spark"
HEADER_TYPE = "array<struct<key:string,value:binary>>"


def decode_users(df: DataFrame, writers: Dict[int, str], reader: str) -> DataFrame:
    """Adds `schema_id`, `user` (the decoded record in the reader schema, null when it cannot be
    decoded), `unknown_schema_id` (an id not in `writers`) and `decode_error` (a one-line reason)."""
    if not writers:
        raise ValueError("no writer schema known: cannot decode anything")
    value = F.col("value")
    size = framing.message_size(value)
    magic = framing.magic_byte(value)
    sid = framing.schema_id(value)
    body = framing.avro_body(value)
    framed = framing.is_framed(value)
    # One branch per writer schema, each resolved to the same reader schema: one output type, and
    # CASE evaluates only the branch of the row's schema id.
    options = {"mode": "PERMISSIVE", "avroSchema": reader}
    user: Column = None  # type: ignore[assignment]
    for writer_id, writer in sorted(writers.items()):
        branch = from_avro(body, writer, options)
        cond = framed & (sid == F.lit(writer_id))
        user = F.when(cond, branch) if user is None else user.when(cond, branch)
    known = sid.isin([F.lit(i) for i in writers])
    decode_error = (
        F.when(F.col("value").isNull(), F.lit("empty message (null value)"))
        .when(size < framing.HEADER_BYTES, F.format_string("message of %d bytes is too short for the Confluent wire format", size))
        .when(magic != 0, F.format_string("unknown magic byte %d (expected 0)", magic))
        .when(~known, F.format_string("unknown schema id %d", sid))
        # PERMISSIVE from_avro gives null, or a struct of nulls, for a body it cannot read; id is
        # required by every users_created version, so a decoded record always has one.
        .when(F.col("user").isNull() | F.col("user.id").isNull(), F.format_string("avro body does not decode with schema id %d", sid))
    )
    return (
        df.withColumn("schema_id", sid)
        .withColumn("user", user)
        .withColumn("unknown_schema_id", F.when(framed & ~known, sid))
        .withColumn("decode_error", decode_error)
    )


def classify(decoded: DataFrame) -> DataFrame:
    """Adds `reason` (null for a valid record), the cleansed `processed` struct and `dedupe_key`: the
    user id for valid records, the Kafka position for the others (never merged with each other)."""
    reason = F.coalesce(F.col("decode_error"), invalid_reason(F.col("user")))
    position = F.format_string("%s/%d/%d", F.col("topic"), F.col("partition"), F.col("offset"))
    return (
        decoded.withColumn("reason", reason)
        .withColumn("processed", processed_struct(F.col("user"), published=F.col("timestamp")))
        .withColumn("dedupe_key", F.when(F.col("reason").isNull(), F.col("processed.id")).otherwise(F.concat(F.lit("dlq:"), position)))
    )


def deduplicate(classified: DataFrame, watermark: str) -> DataFrame:
    """Drops a user id seen again within `watermark` of when the job first processed it. The state
    lives in the checkpoint, so duplicates are caught across micro-batches and restarts.

    The watermark runs on processing time, not the Kafka timestamp: with event time, a backlog read
    unevenly across partitions can put records behind the watermark, and Spark drops late records
    silently. On processing time nothing is ever late, so nothing is lost; the final store is an
    idempotent upsert anyway, this only saves work."""
    if not classified.isStreaming:  # a batch (tests, backfills): plain dedupe
        return classified.dropDuplicates(["dedupe_key"])
    return (
        classified.withColumn("seen_at", processing_time())
        .withWatermark("seen_at", watermark)
        .dropDuplicatesWithinWatermark(["dedupe_key"])
    )


def _header(key: str, value: Column) -> Column:
    return F.struct(F.lit(key).alias("key"), value.cast("string").cast("binary").alias("value"))


def dlq_headers() -> Column:
    """The original headers plus dlq.reason, dlq.stage, dlq.topic, dlq.partition, dlq.offset."""
    original = F.coalesce(F.col("headers").cast(HEADER_TYPE), F.array().cast(HEADER_TYPE))
    added = F.array(
        _header("dlq.reason", F.col("reason")),
        _header("dlq.stage", F.lit(DLQ_STAGE)),
        _header("dlq.topic", F.col("topic")),
        _header("dlq.partition", F.col("partition")),
        _header("dlq.offset", F.col("offset")),
    ).cast(HEADER_TYPE)
    return F.concat(original, added)


def to_sink_rows(rows: DataFrame, processed_topic: str, dlq_topic: str, processed_schema_id: int, processed_avsc: str) -> DataFrame:
    """One row per Kafka message to write: `topic`, `key`, `value`, `headers` (plus `reason` and
    `unknown_schema_id` for the driver's bookkeeping, and `dedupe_key`)."""
    valid = F.col("reason").isNull()
    encoded = framing.frame(processed_schema_id, to_avro(F.col("processed"), processed_avsc))
    return rows.select(
        F.when(valid, F.lit(processed_topic)).otherwise(F.lit(dlq_topic)).alias("topic"),
        F.when(valid, F.col("processed.id").cast("binary")).otherwise(F.col("key")).alias("key"),
        F.when(valid, encoded).otherwise(F.col("value")).alias("value"),
        F.when(valid, F.array().cast(HEADER_TYPE)).otherwise(dlq_headers()).alias("headers"),
        F.col("reason"),
        F.col("unknown_schema_id"),
        F.col("dedupe_key"),
    )


def encode_rows(
    source: DataFrame, writers: Dict[int, str], reader: str,
    processed_topic: str, dlq_topic: str, processed_schema_id: int, processed_avsc: str,
) -> DataFrame:
    """The stateless part, shared by both modes: decode, validate and cleanse, encode the rows to write."""
    classified = classify(decode_users(source, writers, reader))
    return to_sink_rows(classified, processed_topic, dlq_topic, processed_schema_id, processed_avsc)


def transform(
    source: DataFrame, writers: Dict[int, str], reader: str, watermark: str,
    processed_topic: str, dlq_topic: str, processed_schema_id: int, processed_avsc: str,
) -> DataFrame:
    """The micro-batch job on Kafka source rows: `encode_rows`, and only then drop duplicates. In that
    order the shuffle the dedupe needs (and the micro-batch cache) holds just the bytes to write, not
    the raw message beside the cleansed record."""
    rows = encode_rows(source, writers, reader, processed_topic, dlq_topic, processed_schema_id, processed_avsc)
    return deduplicate(rows, watermark)
