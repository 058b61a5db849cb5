"""The Spark stage's floor: the least work the job cannot do without, submitted by the spark-launcher
in place of the real job (SPARK_JOB_FILE): read users_created from Kafka, decode each Avro record
and encode it again, write it to the processed topic. No cleansing, validation, DLQ, dedupe state,
cache or per-batch statistics: what the real job costs above this is the job's own work.
The launcher passes the real job's arguments; this script uses the ones it needs, the mode among them
(Real-time Mode or micro-batches, as the job it stands beside)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "apps", "spark-job"))

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql.avro.functions import from_avro, to_avro  # noqa: E402

from streamline_job import framing  # noqa: E402
from streamline_job.log import JsonLog  # noqa: E402
from streamline_job.options import parse_options  # noqa: E402
from streamline_job.registry import RegistryClient, fetch_with_login  # noqa: E402
from streamline_job.stop_signal import StopSignal  # noqa: E402


def main(argv):
    opts = parse_options(argv)
    log = JsonLog(component="passthrough-floor")
    stop = StopSignal(opts.stop_file, opts.supervisor_pid)
    stop.install_handlers()
    schema = RegistryClient(opts.registry_url, fetch=fetch_with_login(os.environ)).latest(opts.source_subject)
    spark = SparkSession.builder.appName(opts.app_name).getOrCreate()
    realtime = opts.mode == "realtime"
    reader = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", opts.bootstrap_servers)
        .option("subscribe", opts.source_topic)
        .option("startingOffsets", "earliest")
    )
    if not realtime:  # an RTM batch reads continuously for its duration
        reader = reader.option("maxOffsetsPerTrigger", str(opts.max_offsets_per_trigger))
    source = reader.load()
    user = from_avro(framing.avro_body(F.col("value")), schema.schema)
    out = source.select(F.col("key"), framing.frame(schema.id, to_avro(user, schema.schema)).alias("value"))
    writer = (
        out.writeStream.format("kafka")
        .option("kafka.bootstrap.servers", opts.bootstrap_servers)
        .option("topic", opts.processed_topic)
        .option("checkpointLocation", os.path.join(os.path.abspath(opts.checkpoint_dir), "passthrough"))
    )
    if realtime:  # the real job's sink settings in each mode
        writer = writer.option("kafka.linger.ms", "5").outputMode("update").trigger(realTime=opts.realtime_batch_duration)
    else:
        writer = writer.option("kafka.linger.ms", "20").option("kafka.batch.size", "524288").trigger(processingTime=f"{opts.trigger_seconds} seconds")
    query = writer.start()
    log.info("query started", query="passthrough", mode=opts.mode, applicationId=spark.sparkContext.applicationId)
    while not query.awaitTermination(1.0):
        if stop.reason():
            query.stop()
            break
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
