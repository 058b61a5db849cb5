"""The warm-up runs made-up users through the query's own decode/cleanse/encode: every one valid (so
the encoding path runs too, not only the DLQ's), counted, nothing written."""
from __future__ import annotations

import io
import json

from streamline_job.log import JsonLog
from streamline_job.options import parse_options
from streamline_job.registry import RegisteredSchema
from streamline_job.schemas import Schemas
from streamline_job.warm_up import as_source_rows, warm_up, warm_up_source


def schemas(created_avsc: str, processed_avsc: str) -> Schemas:
    return Schemas(reader=RegisteredSchema(id=7, schema=created_avsc), writers={7: created_avsc}, processed=RegisteredSchema(id=8, schema=processed_avsc))


def test_every_made_up_user_is_valid_and_encoded(spark, needs_avro, created_avsc, processed_avsc):
    out = io.StringIO()
    valid = warm_up(spark, parse_options(["--warm-up-users", "50"]), schemas(created_avsc, processed_avsc), JsonLog(out))
    assert valid == 50
    line = json.loads(out.getvalue().splitlines()[-1])
    assert line["msg"] == "warmed up"
    assert (line["users"], line["valid"]) == (50, 50)
    assert line["bytes"] > 50 * 5  # framed users_processed records, not empty values
    assert "reason" not in line


def test_off_with_zero(spark, created_avsc, processed_avsc):
    out = io.StringIO()
    assert warm_up(spark, parse_options(["--warm-up-users", "0"]), schemas(created_avsc, processed_avsc), JsonLog(out)) == 0
    assert out.getvalue() == ""


def test_both_modes_warm_up_every_user(spark, needs_avro, created_avsc, processed_avsc):
    # Real-time mode runs the query's own rows (build_realtime_rows); micro-batch mode its encode_rows.
    for mode in ("realtime", "microbatch"):
        out = io.StringIO()
        opts = parse_options(["--warm-up-users", "40", "--mode", mode])
        assert warm_up(spark, opts, schemas(created_avsc, processed_avsc), JsonLog(out)) == 40, mode


def test_source_rows_are_nullable_as_the_kafka_source(spark, needs_avro, created_avsc):
    # The Kafka source's columns are all nullable; the stage's generated null checks depend on it.
    made_up = warm_up_source(spark, schemas(created_avsc, created_avsc), 10, 2)
    assert not all(f.nullable for f in made_up.schema.fields)  # literals are not nullable
    rows = as_source_rows(made_up, 2)
    assert all(f.nullable for f in rows.schema.fields)
    assert rows.columns == made_up.columns
    assert rows.count() == 10
