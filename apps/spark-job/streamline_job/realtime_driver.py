"""The driver's loop in Real-time Mode: start the query, log its progress and per-batch counts, restart
it from the same checkpoint when it failed on a writer schema id it did not know, stop on request."""
from __future__ import annotations

import os
from typing import Optional, Set

from pyspark.errors import StreamingQueryException
from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQuery

from .checkpoint_handover import Handover
from .committed_position import log_progress_position, resume_position
from .job_contract import BATCH_WRITTEN, COMMITTED_POSITION, QUERY_PROGRESS, QUERY_STARTED
from .log import JsonLog
from .options import JobOptions
from .progress import progress_fields
from .realtime_query import QUERY_NAME, batch_counts, checkpoint_path, start_realtime_query
from .registry import RegistryClient
from .schemas import Schemas, load_schemas
from .stop_signal import StopSignal
from .unknown_schemas import resolve_ids, unknown_ids_in

POLL_SECONDS = 1.0


def _log_progress(query: StreamingQuery, last_batch: Optional[int], log: JsonLog, topic: str) -> Optional[int]:
    progress = query.lastProgress
    if not progress or progress.get("batchId") == last_batch:
        return last_batch
    log.debug(QUERY_PROGRESS, **progress_fields(progress))
    counts = batch_counts(progress)
    if counts and counts["records"] > 0:
        log.info(BATCH_WRITTEN, **counts)
    # An RTM batch reports its progress at its end, with its offsets checkpointed.
    log_progress_position(log, progress, QUERY_NAME, topic)
    return progress.get("batchId")


def await_realtime(query: StreamingQuery, stop: StopSignal, log: JsonLog, topic: str) -> None:
    """Returns after a requested stop (or when the query ended by itself); raises when it failed."""
    last_batch: Optional[int] = None
    while not query.awaitTermination(POLL_SECONDS):
        last_batch = _log_progress(query, last_batch, log, topic)
        reason = stop.reason()
        if reason:
            log.info("stopping", reason=reason)
            # An RTM batch lasts the batch duration: it is not waited for. What it wrote since its
            # start is written again after the restart (at-least-once; the store upserts by id).
            query.stop()
            return


def run_realtime(
    spark: SparkSession, opts: JobOptions, registry: RegistryClient, stop: StopSignal, log: JsonLog, schemas: Schemas, handover: Optional[Handover] = None
) -> int:
    writer_ids: Set[int] = set()
    unregistered: Set[int] = set()
    while True:
        # Read before the start: what the query resumes from, not a batch it commits meanwhile.
        resume = resume_position(os.path.abspath(opts.checkpoint_dir), QUERY_NAME, opts.source_topic, handover)
        query = start_realtime_query(spark, opts, schemas, unregistered)
        log.info(
            QUERY_STARTED,
            query=QUERY_NAME,
            mode="realtime",
            batchDuration=opts.realtime_batch_duration,
            sourceTopic=opts.source_topic,
            processedTopic=opts.processed_topic,
            dlqTopic=opts.dlq_topic,
            writerSchemaIds=sorted(schemas.writers),
            unregisteredSchemaIds=sorted(unregistered),
            processedSchemaId=schemas.processed.id,
            checkpoint=checkpoint_path(opts),
            applicationId=spark.sparkContext.applicationId,
        )
        log.info(COMMITTED_POSITION, **resume)
        try:
            await_realtime(query, stop, log, opts.source_topic)
        except StreamingQueryException as error:
            ids = unknown_ids_in(error)
            if not ids:
                raise
            found = resolve_ids(registry, ids)
            writer_ids.update(found.registered)
            unregistered.update(found.unregistered)
            log.info("restarting the query with new writer schemas", schemaIds=ids, registered=found.registered, unregistered=found.unregistered)
            schemas = load_schemas(registry, opts, writer_ids)
            continue
        log.info("query stopped", query=QUERY_NAME)
        return 0
