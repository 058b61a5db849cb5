"""The warm-up runs made-up users through the query's own decode/cleanse/encode: every one valid (so
the encoding path runs too, not only the DLQ's), counted, nothing written."""
from __future__ import annotations

import io
import json

from streamline_job.log import JsonLog
from streamline_job.options import parse_options
from streamline_job.registry import RegisteredSchema
from streamline_job.schemas import Schemas
from streamline_job.warm_up import warm_up


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
