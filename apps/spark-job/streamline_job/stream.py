"""Runs the job: the Spark session, then the query of the chosen mode. Micro-batch mode (here): Kafka
source -> decode/cleanse/validate -> dedupe -> foreachBatch, which writes processed records and DLQ
records in one Kafka write per micro-batch. Real-time Mode: realtime_driver.py."""
from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Set, Tuple

from pyspark import StorageLevel
from pyspark.errors import StreamingQueryException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery

from .checkpoint_handover import Handover, handover_offsets
from .committed_position import log_progress_position, resume_position
from .job_contract import BATCH_WRITTEN, COMMITTED_POSITION, QUERY_NAMES, QUERY_PROGRESS, QUERY_STARTED
from .log import JsonLog
from .options import JobOptions
from .pipeline import transform
from .progress import progress_fields
from .registry import RegistryClient, fetch_with_login
from .schemas import Schemas, load_schemas
from .stop_signal import StopSignal
from .warm_up import warm_up

__all__ = ["Schemas", "load_schemas", "progress_fields", "run"]

QUERY_NAME = QUERY_NAMES["microbatch"]
POLL_SECONDS = 1.0


class SchemaSetChangedError(Exception):
    """A message carries a writer schema id registered after the query started: the query restarts
    (same checkpoint, so the batch is read again) with that schema added."""


@dataclass
class RunState:
    new_schema_ids: List[int] = field(default_factory=list)


def read_source(spark: SparkSession, opts: JobOptions) -> DataFrame:
    return (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", opts.bootstrap_servers)
        .options(**opts.kafka_login)
        .option("subscribe", opts.source_topic)
        .option("startingOffsets", opts.starting_offsets)
        .option("maxOffsetsPerTrigger", str(opts.max_offsets_per_trigger))
        .option("failOnDataLoss", "true" if opts.fail_on_data_loss else "false")
        .option("includeHeaders", "true")
        .load()
    )


def build_stream(source: DataFrame, opts: JobOptions, schemas: Schemas) -> DataFrame:
    return transform(
        source, schemas.writers, schemas.reader.schema, opts.watermark,
        opts.processed_topic, opts.dlq_topic, schemas.processed.id, schemas.processed.schema,
    )


def kafka_sink(opts: JobOptions) -> Callable[[DataFrame], None]:
    """One Kafka write per micro-batch; each row names its topic (processed or DLQ)."""

    def write(rows: DataFrame) -> None:
        (
            rows.write.format("kafka")
            .option("kafka.bootstrap.servers", opts.bootstrap_servers)
            .options(**opts.kafka_login)
            # Fuller produce requests: a micro-batch is thousands of records at once.
            .option("kafka.linger.ms", "20")
            .option("kafka.batch.size", "524288")
            .save()
        )

    return write


def make_batch_writer(opts: JobOptions, registry: RegistryClient, state: RunState, log: JsonLog, sink: Optional[Callable[[DataFrame], None]] = None):
    write_rows = sink or kafka_sink(opts)

    def write_batch(batch: DataFrame, batch_id: int) -> None:
        started = time.monotonic()
        # Cached so that the stateful dedupe and the Kafka read run once for the counts and the write.
        rows = batch.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            stats = rows.agg(
                F.count(F.lit(1)).alias("records"),
                F.count(F.when(F.col("reason").isNull(), 1)).alias("processed"),
                F.collect_set("unknown_schema_id").alias("unknown_ids"),
            ).first()
            if stats is None or stats["records"] == 0:
                return
            unknown = sorted(int(i) for i in stats["unknown_ids"])
            registered = [i for i in unknown if registry.schema_by_id(i) is not None]
            if registered:
                # Nothing of this batch is written yet: the restarted query reads it again, decodable.
                state.new_schema_ids = registered
                raise SchemaSetChangedError(f"new writer schema ids {registered} in batch {batch_id}")
            write_rows(rows.select("topic", "key", "value", "headers"))
            log.info(
                BATCH_WRITTEN,
                batch=batch_id,
                records=stats["records"],
                processed=stats["processed"],
                dlq=stats["records"] - stats["processed"],
                unknownSchemaIds=unknown,
                durationMs=int((time.monotonic() - started) * 1000),
            )
        finally:
            rows.unpersist()

    return write_batch


def start_query(spark: SparkSession, opts: JobOptions, schemas: Schemas, registry: RegistryClient, state: RunState, log: JsonLog) -> StreamingQuery:
    stream = build_stream(read_source(spark, opts), opts, schemas)
    return (
        stream.writeStream.queryName(QUERY_NAME)
        .option("checkpointLocation", os.path.join(os.path.abspath(opts.checkpoint_dir), QUERY_NAME))
        .trigger(processingTime=f"{opts.trigger_seconds} seconds")
        .foreachBatch(make_batch_writer(opts, registry, state, log))
        .start()
    )


def _log_progress(query: StreamingQuery, last_batch: Optional[int], log: JsonLog, topic: str) -> Optional[int]:
    progress = query.lastProgress
    if not progress or progress.get("batchId") == last_batch:
        return last_batch
    log.debug(QUERY_PROGRESS, **progress_fields(progress))
    log_progress_position(log, progress, QUERY_NAME, topic)
    dropped = sum(op.get("numRowsDroppedByWatermark", 0) or 0 for op in progress.get("stateOperators", []))
    if dropped:
        log.warn("records older than the watermark were dropped", batch=progress.get("batchId"), dropped=dropped)
    return progress.get("batchId")


def await_query(query: StreamingQuery, stop: StopSignal, opts: JobOptions, state: RunState, log: JsonLog) -> str:
    """Returns 'stopped' after a requested stop, 'schemas-changed' to restart; raises when the query fails."""
    last_batch: Optional[int] = None
    while True:
        try:
            if query.awaitTermination(POLL_SECONDS):
                return "stopped"
        except StreamingQueryException:
            if state.new_schema_ids:
                return "schemas-changed"
            raise
        last_batch = _log_progress(query, last_batch, log, opts.source_topic)
        reason = stop.reason()
        if reason:
            log.info("stopping", reason=reason)
            deadline = time.monotonic() + opts.stop_timeout_seconds
            # Let the batch in flight finish; an interrupted batch is not lost either (it is read again).
            while query.isActive and query.status.get("isTriggerActive") and time.monotonic() < deadline:
                time.sleep(0.2)
            query.stop()
            return "stopped"


def run_microbatch(
    spark: SparkSession, opts: JobOptions, registry: RegistryClient, stop: StopSignal, log: JsonLog, schemas: Schemas, handover: Optional[Handover] = None
) -> int:
    extra_writer_ids: Set[int] = set()
    while True:
        state = RunState()
        # Read before the start: what the query resumes from, not a batch it commits meanwhile.
        resume = resume_position(os.path.abspath(opts.checkpoint_dir), QUERY_NAME, opts.source_topic, handover)
        query = start_query(spark, opts, schemas, registry, state, log)
        log.info(
            QUERY_STARTED,
            query=QUERY_NAME,
            mode="microbatch",
            sourceTopic=opts.source_topic,
            processedTopic=opts.processed_topic,
            dlqTopic=opts.dlq_topic,
            writerSchemaIds=sorted(schemas.writers),
            processedSchemaId=schemas.processed.id,
            checkpoint=os.path.join(os.path.abspath(opts.checkpoint_dir), QUERY_NAME),
            applicationId=spark.sparkContext.applicationId,
        )
        log.info(COMMITTED_POSITION, **resume)
        outcome = await_query(query, stop, opts, state, log)
        if outcome == "schemas-changed":
            log.info("restarting the query with new writer schemas", schemaIds=state.new_schema_ids)
            extra_writer_ids.update(state.new_schema_ids)
            schemas = load_schemas(registry, opts, extra_writer_ids)
            continue
        log.info("query stopped", query=QUERY_NAME)
        return 0


def with_handover(opts: JobOptions, log: JsonLog) -> Tuple[JobOptions, Optional[Handover]]:
    """On the first start of a mode whose checkpoint is empty, start where the other mode left off
    (the handover is returned too: the query reports it as the position it resumes from)."""
    from .realtime_query import QUERY_NAME as REALTIME_QUERY  # pyspark is loaded by now

    query, other = (REALTIME_QUERY, QUERY_NAME) if opts.mode == "realtime" else (QUERY_NAME, REALTIME_QUERY)
    handover = handover_offsets(opts.checkpoint_dir, query, other, opts.source_topic)
    if handover is None:
        return opts, None
    log.info(
        "starting where the other mode left off",
        query=query,
        fromQuery=handover.from_query,
        fromBatch=handover.from_batch,
        startingOffsets=handover.starting_offsets,
    )
    return dataclasses.replace(opts, starting_offsets=handover.starting_offsets), handover


def run(opts: JobOptions, log: JsonLog, stop: StopSignal) -> int:
    opts, handover = with_handover(opts, log)
    registry = RegistryClient(opts.registry_url, fetch=fetch_with_login(os.environ))
    # Before the JVM starts: a registry problem fails in a second, not after the session is up.
    schemas = load_schemas(registry, opts)
    spark = (
        SparkSession.builder.appName(opts.app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    try:
        warm_up(spark, opts, schemas, log)
        if opts.mode == "realtime":
            from .realtime_driver import run_realtime

            return run_realtime(spark, opts, registry, stop, log, schemas, handover)
        return run_microbatch(spark, opts, registry, stop, log, schemas, handover)
    finally:
        spark.stop()
