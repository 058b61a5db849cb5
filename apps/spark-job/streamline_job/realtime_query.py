"""The query in Spark's Real-time Mode: Kafka source -> guard (unknown schema ids) -> encode_rows (the
micro-batch path's decode/cleanse/validate/encode) -> observe (counts) -> Kafka sink, output mode
update, `trigger(realTime=<batch duration>)`.

What micro-batch mode has and this one does not: foreachBatch (not an RTM sink), the batch cache and
the dedupe (stateful: not allowed in RTM on Spark 4.2; Cassandra's upsert by id makes a duplicate
harmless). Each RTM batch runs for the batch duration with one long-running task per source
partition, so the query needs that many task slots at once; offsets are checkpointed at each batch
end."""
from __future__ import annotations

import os
from typing import Iterable, Optional

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery

from .job_contract import QUERY_NAMES
from .options import JobOptions
from .pipeline import encode_rows
from .schemas import Schemas
from .unknown_schemas import guard_unknown_schema_ids

QUERY_NAME = QUERY_NAMES["realtime"]
COUNTS = "counts"


def read_realtime_source(spark: SparkSession, opts: JobOptions) -> DataFrame:
    # No maxOffsetsPerTrigger: an RTM batch reads continuously for its duration.
    return (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", opts.bootstrap_servers)
        .options(**opts.kafka_login)
        .option("subscribe", opts.source_topic)
        .option("startingOffsets", opts.starting_offsets)
        .option("failOnDataLoss", "true" if opts.fail_on_data_loss else "false")
        .option("includeHeaders", "true")
        .load()
    )


def build_realtime_rows(source: DataFrame, opts: JobOptions, schemas: Schemas, unregistered_ids: Iterable[int] = ()) -> DataFrame:
    """Kafka sink rows (topic, key, value, headers). Ids in `unregistered_ids` are not guarded: they
    are not writers either, so their records go to the DLQ as `unknown schema id N`."""
    guarded = guard_unknown_schema_ids(source, set(schemas.writers) | set(unregistered_ids))
    rows = encode_rows(
        guarded, schemas.writers, schemas.reader.schema,
        opts.processed_topic, opts.dlq_topic, schemas.processed.id, schemas.processed.schema,
    )
    # Per-batch counts without a second job or a cache: they come with the progress at each batch end.
    rows = rows.observe(
        COUNTS,
        F.count(F.lit(1)).alias("records"),
        F.count(F.when(F.col("reason").isNull(), 1)).alias("processed"),
    )
    return rows.select("topic", "key", "value", "headers")


def checkpoint_path(opts: JobOptions) -> str:
    return os.path.join(os.path.abspath(opts.checkpoint_dir), QUERY_NAME)


def start_realtime_query(spark: SparkSession, opts: JobOptions, schemas: Schemas, unregistered_ids: Iterable[int] = ()) -> StreamingQuery:
    rows = build_realtime_rows(read_realtime_source(spark, opts), opts, schemas, unregistered_ids)
    return (
        rows.writeStream.queryName(QUERY_NAME)
        .format("kafka")
        .option("kafka.bootstrap.servers", opts.bootstrap_servers)
        .options(**opts.kafka_login)
        # Records leave one at a time: a short linger, not the micro-batch sink's fuller requests.
        .option("kafka.linger.ms", "5")
        .option("checkpointLocation", checkpoint_path(opts))
        .outputMode("update")
        .trigger(realTime=opts.realtime_batch_duration)
        .start()
    )


def batch_counts(progress) -> Optional[dict]:
    """The "batch written" fields of one RTM batch, from its progress's observed metrics (None when the
    progress has none: the batch read nothing, or the query has not finished a batch yet)."""
    row = (progress.get("observedMetrics") or {}).get(COUNTS)
    if row is None:
        return None
    counts = row.asDict() if hasattr(row, "asDict") else dict(row)
    records, processed = int(counts.get("records") or 0), int(counts.get("processed") or 0)
    return {
        "batch": progress.get("batchId"),
        "records": records,
        "processed": processed,
        "dlq": records - processed,
        "durationMs": (progress.get("durationMs") or {}).get("triggerExecution", 0),
    }
