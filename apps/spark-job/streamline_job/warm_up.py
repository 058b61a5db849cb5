"""A warm-up before the query starts: a few thousand made-up users through the query's own decode,
cleanse and encode expressions, on the executors, with nothing written.

Why: on new JVMs the first records of a query wait for the executor to register, then for Avro's and
Spark's code paths to load, be code-generated and JIT-compiled: seconds (bench/: on a fresh stack the
first users were stored ~7 s after staging in Real-time Mode, ~18 s in micro-batches, against
well under 1 s once warm). Paid here, before the job says "query started" (which the launcher reports
as running, and `npm start` waits for), the first users flow as fast as the later ones."""
from __future__ import annotations

import json
import time
from typing import Any, Dict, List

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.avro.functions import to_avro

from . import framing
from .log import JsonLog
from .options import JobOptions
from .pipeline import HEADER_TYPE, encode_rows
from .realtime_query import build_realtime_rows
from .schemas import Schemas

# Values the job's validation accepts (a uuid id, an e-mail, names, a past dob, a nationality within
# its 8-character limit); other fields get a plain value of their Avro type (a string its own name).
VALID: Dict[str, Any] = {
    "id": "00000000-0000-4000-8000-000000000000",
    "email": "warm.up@example.com",
    "first_name": "Warm",
    "last_name": "Up",
    "nationality": "WU",
}
TIMESTAMP_MS = 946_684_800_000  # 2000-01-01: a past dob


def _value(name: str, avro_type: Any) -> Column:
    """A literal of the Spark type spark-avro maps `avro_type` to."""
    if isinstance(avro_type, list):  # ["null", X]: X's value
        return _value(name, next(b for b in avro_type if b != "null"))
    if isinstance(avro_type, dict):
        logical, base = avro_type.get("logicalType"), avro_type.get("type")
        if base == "enum":
            return F.lit(avro_type["symbols"][0])
        if logical in ("timestamp-millis", "timestamp-micros"):
            return F.timestamp_millis(F.lit(TIMESTAMP_MS))
        if logical == "date":
            return F.to_date(F.lit("2000-01-01"))
        return _value(name, base)
    if avro_type == "string":
        return F.lit(VALID.get(name, name))
    if avro_type in ("int", "long", "float", "double"):
        return F.lit(1).cast(avro_type if avro_type != "long" else "bigint")
    if avro_type == "boolean":
        return F.lit(True)
    if avro_type == "bytes":
        return F.lit(bytearray(b"w"))
    raise ValueError(f"field {name}: Avro type {avro_type!r} has no warm-up value")


def made_up_user(writer_avsc: str) -> Column:
    """A struct of every field of the writer schema, in its order, which to_avro can encode with it."""
    fields: List[dict] = json.loads(writer_avsc)["fields"]
    return F.struct(*[_value(f["name"], f["type"]).alias(f["name"]) for f in fields])


def warm_up_source(spark: SparkSession, schemas: Schemas, users: int, partitions: int) -> DataFrame:
    """Rows shaped like the Kafka source's (key, value, topic, partition, offset, timestamp, headers)."""
    writer_id = max(schemas.writers)
    return spark.range(0, users, 1, partitions).select(
        F.lit(bytearray(b"warm-up")).alias("key"),
        framing.frame(writer_id, to_avro(made_up_user(schemas.writers[writer_id]), schemas.writers[writer_id])).alias("value"),
        F.lit("warm-up").alias("topic"),
        F.spark_partition_id().alias("partition"),
        F.col("id").alias("offset"),
        F.current_timestamp().alias("timestamp"),
        F.lit(0).alias("timestampType"),
        F.array().cast(HEADER_TYPE).alias("headers"),
    )


def as_source_rows(made_up: DataFrame, partitions: int) -> DataFrame:
    """The made-up rows shaped as the query's stage reads the Kafka source's: every column nullable (as
    the source's are; a literal is not, and null checks are part of the generated code), behind a
    shuffle (read through an input adapter, as the source's scan is). The more of the query's own
    generated code the warm-up compiles and JIT-warms, the less its first records wait for: on a fresh
    stack the query's compile at start went from ~0.8 s to ~0.45 s (not all of it matches yet)."""
    keep = F.col("offset") >= 0  # always true, but not known to be: the columns stay nullable
    return made_up.select(*[F.when(keep, F.col(c)).alias(c) for c in made_up.columns]).repartition(partitions)


def warm_up(spark: SparkSession, opts: JobOptions, schemas: Schemas, log: JsonLog) -> int:
    """Runs `opts.warm_up_users` rows to write through the executors, one partition per task slot,
    and returns how many came out valid. The bytes are summed so that Spark cannot prune the encoding
    away; nothing reaches Kafka."""
    if opts.warm_up_users == 0:
        return 0
    started = time.monotonic()
    # Every task slot of the executor runs a share (its first action waits for the executor to register).
    partitions = max(1, spark.sparkContext.defaultParallelism)
    source = warm_up_source(spark, schemas, opts.warm_up_users, partitions)
    if opts.mode == "realtime":
        rows = build_realtime_rows(as_source_rows(source, partitions), opts, schemas)
        valid_row = F.col("topic") == F.lit(opts.processed_topic)
        reason = F.lit(None).cast("string")
    else:
        rows = encode_rows(
            source, schemas.writers, schemas.reader.schema,
            opts.processed_topic, opts.dlq_topic, schemas.processed.id, schemas.processed.schema,
        )
        valid_row, reason = F.col("reason").isNull(), F.col("reason")
    result = rows.agg(
        F.count(F.when(valid_row, 1)).alias("valid"),
        F.sum(F.length("value")).alias("bytes"),
        F.first(reason, ignorenulls=True).alias("reason"),
    ).first()
    valid = int(result["valid"] or 0)
    log.info(
        "warmed up",
        users=opts.warm_up_users,
        valid=valid,
        bytes=int(result["bytes"] or 0),
        ms=round((time.monotonic() - started) * 1000),
        **({"reason": result["reason"]} if result["reason"] else {}),
    )
    return valid
