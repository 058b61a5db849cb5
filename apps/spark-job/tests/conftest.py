"""A small local SparkSession for the tests (no cluster, no Kafka): local[1], 512m, no UI.

The Avro functions need the spark-avro jar: taken from SPARK_CONNECTOR_JARS (comma-separated) or
<STREAMLINE_STACK_DIR or repo/.stack>/dist/spark-master/connectors; tests that need it are skipped
when it is missing."""
from __future__ import annotations

import datetime as dt
import glob
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]  # apps/spark-job/tests/conftest.py -> the repository root
AVRO_DIR = REPO / "libs" / "user-schema" / "avro"

# users_created.avsc as from_avro decodes it (test_schema_drift.py fails when the two drift apart).
USERS_CREATED_DDL = ", ".join(
    [
        "id string", "gender string", "title string", "first_name string", "last_name string", "street_number int",
        "street_name string", "city string", "state string", "country string", "post_code string", "latitude double",
        "longitude double", "timezone_offset string", "timezone_description string", "email string", "username string",
        "dob timestamp", "registered_date timestamp", "phone string", "cell string", "national_id_name string",
        "national_id_value string", "picture_large string", "picture_medium string", "picture_thumbnail string",
        "nationality string", "source string", "ingest_run_id string", "staged_at timestamp",
    ]
)


def avro_jar() -> str | None:
    listed = [j for j in os.environ.get("SPARK_CONNECTOR_JARS", "").split(",") if "spark-avro" in j]
    if listed:
        return listed[0]
    stack = Path(os.environ.get("STREAMLINE_STACK_DIR", REPO / ".stack"))
    if not stack.is_absolute():
        stack = REPO / stack
    found = glob.glob(str(stack / "dist" / "spark-master" / "connectors" / "spark-avro_*.jar"))
    return found[0] if found else None


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master("local[1]")
        .appName("users-stream-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "512m")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.log.level", "ERROR")
    )
    jar = avro_jar()
    if jar:
        builder = builder.config("spark.jars", jar)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def needs_avro():
    # A missing jar is a broken set-up, not a reason to skip every decode, pipeline and realtime test.
    if not avro_jar():
        pytest.fail("spark-avro jar not found: run `npm run stack -- install spark-master` (or set SPARK_CONNECTOR_JARS)")


@pytest.fixture(scope="session")
def created_avsc() -> str:
    return (AVRO_DIR / "users_created.avsc").read_text()


@pytest.fixture(scope="session")
def processed_avsc() -> str:
    return (AVRO_DIR / "users_processed.avsc").read_text()


def user_row(**overrides) -> dict:
    """A users_created record as the relay writes it (the fixture user of libs/user-schema)."""
    row = dict(
        id="7a0eed16-9430-4d68-901f-c0d4c1c3bf00", gender="female", title="Miss", first_name="Jennie",
        last_name="Nichols", street_number=8929, street_name="Valwood Pkwy", city="Billings", state="Michigan",
        country="United States", post_code="63104", latitude=-69.8246, longitude=134.8719, timezone_offset="+9:30",
        timezone_description="Adelaide, Darwin", email="jennie.nichols@example.com", username="yellowpeacock117",
        dob=dt.datetime(1992, 3, 8, 15, 13, 16, 688000), registered_date=dt.datetime(2007, 7, 9, 5, 51, 59, 390000),
        phone="(272) 790-0888", cell="(489) 330-2385", national_id_name="SSN", national_id_value="405-88-3636",
        picture_large="https://randomuser.me/api/portraits/women/75.jpg",
        picture_medium="https://randomuser.me/api/portraits/med/women/75.jpg",
        picture_thumbnail="https://randomuser.me/api/portraits/thumb/women/75.jpg",
        nationality="US", source="api", ingest_run_id="test", staged_at=dt.datetime(2024, 1, 1, 12, 0, 0),
    )
    row.update(overrides)
    return row


def users_df(spark, rows):
    """A DataFrame with one `user` struct column, typed as from_avro decodes users_created."""
    from pyspark.sql import functions as F

    df = spark.createDataFrame([user_row(**r) for r in rows], USERS_CREATED_DDL)
    return df.select(F.struct(*df.columns).alias("user"))


WRITER_ID = 7
PROCESSED_ID = 9
OTHER_UUID = "b4c3f7a8-1e5e-4a6c-9c57-1f0e7b4c2d11"


def kafka_rows(spark, created_avsc, users, raw=()):
    """Kafka-source-shaped rows: users encoded with to_avro and framed with WRITER_ID, plus raw values."""
    from pyspark.sql import functions as F
    from pyspark.sql.avro.functions import to_avro

    from streamline_job import framing
    from streamline_job.pipeline import HEADER_TYPE

    created = spark.createDataFrame([user_row(**u) for u in users], USERS_CREATED_DDL)
    encoded = created.select(
        F.col("id").cast("binary").alias("key"),
        framing.frame(WRITER_ID, to_avro(F.struct(*created.columns), created_avsc)).alias("value"),
    )
    others = spark.createDataFrame([(bytearray(b"raw"), None if v is None else bytearray(v)) for v in raw], "key binary, value binary")
    both = encoded.unionByName(others)
    return both.select(
        "key",
        "value",
        F.lit("users_created").alias("topic"),
        F.lit(1).alias("partition"),
        F.monotonically_increasing_id().alias("offset"),
        F.lit(dt.datetime(2026, 1, 1, 0, 0, 0)).alias("timestamp"),
        F.array(F.struct(F.lit("outbox.id").alias("key"), F.lit(b"e1").cast("binary").alias("value"))).cast(HEADER_TYPE).alias("headers"),
    )


LINE_FIELDS = {"streamline", "level", "msg", "component", "time"}
_FIELD_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "integers": lambda v: isinstance(v, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in v),
    "offsets": lambda v: isinstance(v, dict) and all(p.isdigit() and isinstance(o, int) and o >= 0 for p, o in v.items()),
}


def contract_events(lines, msg=None):
    """The job's lines (parsed JSON) that are events of the contract (job_contract.EVENTS), each
    checked against its declaration the way the launcher checks it: every required field present
    and of its type, no undeclared field. `msg`: only those events."""
    from streamline_job.job_contract import EVENTS

    declared = {e["msg"]: e for e in EVENTS.values()}
    events = []
    for line in lines:
        spec = declared.get(line["msg"])
        if spec is None or (msg is not None and line["msg"] != msg):
            continue
        fields = {k: v for k, v in line.items() if k not in LINE_FIELDS}
        names = {f["name"] for f in spec["fields"]}
        assert set(fields) <= names, f"{line['msg']}: undeclared fields {sorted(set(fields) - names)}"
        for f in spec["fields"]:
            value = fields.get(f["name"])
            if value is None:
                assert not f["required"], f"{line['msg']}: required field {f['name']} missing"
            else:
                assert _FIELD_CHECKS[f["type"]](value), f"{line['msg']}: {f['name']}={value!r} is not {f['type']}"
        events.append(line)
    return events
