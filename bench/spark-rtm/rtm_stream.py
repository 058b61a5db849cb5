"""Bench-only prototype (issue 12): the job's transform, stateless, in Spark's Real-time Mode.

Submitted by the spark-launcher in place of the real job (SPARK_JOB_FILE=<this file>); the launcher
passes the real job's arguments and this script uses the ones it needs. What it keeps of the job:
decode (from_avro per writer schema), cleanse, classify valid vs DLQ, encode (to_avro, Confluent
frame) and one Kafka sink whose rows name their topic (processed or DLQ). What it drops: the dedupe
(stateful: not allowed in RTM before Spark 4.3; the Cassandra upsert by id is idempotent anyway),
foreachBatch (not an RTM sink), the batch cache and the per-batch stats job.

What replaces them, to try out here:
- per-batch counts: `observe()` (CollectMetricsExec is in RTM's operator allow-list), read from the
  query's progress at the end of each RTM batch (= each checkpoint interval);
- the new-writer-schema restart: a record whose schema id the query does not know fails the task with
  `raise_error("streamline-unknown-schema-id:<id>")` before anything of it is written; the driver
  catches the query's failure, asks the registry about the id (known: added as a writer; unknown: sent
  to the DLQ from then on) and starts the query again from the checkpoint (RTM_SCHEMA_RESTART=false:
  unknown ids go to the DLQ at once, as a plain stateless query would).

Settings (env, read once here; the launcher passes its environment on to spark-submit):
  RTM_BATCH_DURATION    RTM batch = checkpoint interval, e.g. "30 seconds" (default "5 minutes")
  RTM_TRIGGER           "realtime" (default) or "microbatch" (this query, processingTime = --trigger-seconds)
  RTM_LINGER_MS         the Kafka sink's linger.ms (default 5)
  RTM_SCHEMA_RESTART    "true" (default) or "false"
  RTM_EXTRA_CONF        "k=v,k=v" Spark SQL confs set on the session
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "apps", "spark-job"))

from pyspark.errors import StreamingQueryException  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

from streamline_job import framing  # noqa: E402
from streamline_job.log import JsonLog  # noqa: E402
from streamline_job.options import parse_options  # noqa: E402
from streamline_job.pipeline import classify, decode_users, to_sink_rows  # noqa: E402
from streamline_job.registry import RegistryClient  # noqa: E402
from streamline_job.stop_signal import StopSignal  # noqa: E402
from streamline_job.stream import load_schemas, progress_fields  # noqa: E402

QUERY_NAME = "rtm"
UNKNOWN_ID_MARK = "streamline-unknown-schema-id:"


def settings(env):
    return {
        "batch_duration": env.get("RTM_BATCH_DURATION", "5 minutes"),
        "trigger": env.get("RTM_TRIGGER", "realtime"),
        "linger_ms": env.get("RTM_LINGER_MS", "5"),
        "schema_restart": env.get("RTM_SCHEMA_RESTART", "true") == "true",
        "extra_conf": [kv.split("=", 1) for kv in env.get("RTM_EXTRA_CONF", "").split(",") if "=" in kv],
    }


def build_query_frame(spark, opts, schemas, bad_ids, schema_restart):
    source = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", opts.bootstrap_servers)
        .option("subscribe", opts.source_topic)
        .option("startingOffsets", opts.starting_offsets)
        .option("failOnDataLoss", "true" if opts.fail_on_data_loss else "false")
        .option("includeHeaders", "true")
        .load()
    )
    if schema_restart:
        # A framed record with an id that is neither a known writer nor known to be unregistered stops
        # the query before anything of it is written (the driver restarts it with the id resolved).
        value = F.col("value")
        sid = framing.schema_id(value)
        framed = (framing.message_size(value) >= framing.HEADER_BYTES) & (framing.magic_byte(value) == 0)
        known = sid.isin([F.lit(i) for i in sorted(set(schemas.writers) | bad_ids)])
        source = source.withColumn(
            "value",
            F.when(framed & ~known, F.raise_error(F.concat(F.lit(UNKNOWN_ID_MARK), sid.cast("string")))).otherwise(value),
        )
    classified = classify(decode_users(source, schemas.writers, schemas.reader.schema))
    rows = to_sink_rows(classified, opts.processed_topic, opts.dlq_topic, schemas.processed.id, schemas.processed.schema)
    # Per-batch counts without a second job or a cache: reported in the progress at each batch end.
    rows = rows.observe(
        "counts",
        F.count(F.lit(1)).alias("records"),
        F.count(F.when(F.col("reason").isNull(), 1)).alias("processed"),
    )
    return rows.select("topic", "key", "value", "headers")


def start(spark, opts, schemas, bad_ids, conf):
    rows = build_query_frame(spark, opts, schemas, bad_ids, conf["schema_restart"])
    writer = (
        rows.writeStream.queryName(QUERY_NAME)
        .format("kafka")
        .option("kafka.bootstrap.servers", opts.bootstrap_servers)
        .option("kafka.linger.ms", conf["linger_ms"])
        .option("checkpointLocation", os.path.join(os.path.abspath(opts.checkpoint_dir), QUERY_NAME))
    )
    if conf["trigger"] == "realtime":
        writer = writer.outputMode("update").trigger(realTime=conf["batch_duration"])
    else:
        writer = writer.trigger(processingTime=f"{opts.trigger_seconds} seconds")
    return writer.start()


def unknown_ids(error: BaseException):
    return sorted({int(m) for m in re.findall(re.escape(UNKNOWN_ID_MARK) + r"(-?\d+)", str(error))})


def main(argv):
    opts = parse_options(argv)
    conf = settings(os.environ)
    log = JsonLog(component="rtm-prototype")
    stop = StopSignal(opts.stop_file, opts.supervisor_pid)
    stop.install_handlers()
    registry = RegistryClient(opts.registry_url)
    extra_ids, bad_ids = set(), set()
    schemas = load_schemas(registry, opts)
    builder = SparkSession.builder.appName(opts.app_name).config("spark.sql.session.timeZone", "UTC")
    for key, value in conf["extra_conf"]:
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    try:
        while True:
            query = start(spark, opts, schemas, bad_ids, conf)
            log.info("query started", query=QUERY_NAME, trigger=conf["trigger"], batchDuration=conf["batch_duration"],
                     writerSchemaIds=sorted(schemas.writers), applicationId=spark.sparkContext.applicationId,
                     sparkVersion=spark.version)
            last = None
            try:
                while not query.awaitTermination(1.0):
                    progress = query.lastProgress
                    if progress and progress.get("batchId") != last:
                        last = progress.get("batchId")
                        counts = (progress.get("observedMetrics") or {}).get("counts") or {}
                        log.info("query progress", **progress_fields(progress), observed=counts)
                    reason = stop.reason()
                    if reason:
                        log.info("stopping", reason=reason)
                        query.stop()
                        log.info("query stopped", query=QUERY_NAME)
                        return 0
                return 0
            except StreamingQueryException as error:
                ids = unknown_ids(error)
                if not ids:
                    raise
                for i in ids:
                    if registry.schema_by_id(i) is not None:
                        extra_ids.add(i)
                    else:
                        bad_ids.add(i)
                log.info("restarting the query with new writer schemas", schemaIds=ids, registered=sorted(extra_ids), unregistered=sorted(bad_ids))
                started = time.monotonic()
                schemas = load_schemas(registry, opts, extra_ids)
                log.info("schemas reloaded", ms=int((time.monotonic() - started) * 1000))
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
