"""The size policy in the job: the limits are those of libs/user-schema/size-policy.json, a record over
one goes to the DLQ with a one-line reason (and the users after it are processed), and the cleanse
functions, fuzzed with hypothesis, only ever give a processed record or a one-line reason."""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyspark.sql import functions as F

from conftest import OTHER_UUID, PROCESSED_ID, REPO, WRITER_ID, kafka_rows, users_df
from streamline_job.cleansing import TEXT_LIMITS, invalid_reason, normalise_phone, processed_struct
from streamline_job.pipeline import transform


def test_the_limits_are_those_of_libs_user_schema():
    policy = json.loads((REPO / "libs" / "user-schema" / "size-policy.json").read_text())
    assert TEXT_LIMITS == policy["textLimits"]


@pytest.mark.usefixtures("needs_avro")
def test_a_record_over_a_limit_goes_to_the_dlq_with_the_field_and_length_and_the_users_after_it_are_processed(spark, created_avsc, processed_avsc):
    rows = kafka_rows(spark, created_avsc, [{"first_name": "W" * 60_000}, {"id": OTHER_UUID}])
    out = transform(rows, {WRITER_ID: created_avsc}, created_avsc, "10 minutes", "processed", "dlq", PROCESSED_ID, processed_avsc).collect()
    dlq = [r for r in out if r["topic"] == "dlq"]
    assert [r["reason"] for r in dlq] == ["invalid first_name: 60000 characters, over the limit of 256"]
    assert [bytes(r["key"]).decode() for r in out if r["topic"] == "processed"] == [OTHER_UUID]


# Any text but lone surrogates, which no UTF-8 encoder (Python's, the JVM's) can carry into Spark:
# control characters, every script, and strings past the limits.
TEXT = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(["NaN", "-0", "1e400", "\u0000", "\t\n\r", "\u2028", "+", "((()))", " @ "]),
    st.integers(min_value=200, max_value=3000).map(lambda n: "x" * n),
)
FIELDS = ["id", "first_name", "last_name", "email", "phone", "cell", "street_name", "city", "state", "country", "post_code", "username", "picture_medium", "nationality"]
RECORDS = st.lists(st.fixed_dictionaries({}, optional={f: TEXT for f in FIELDS}), min_size=1, max_size=25)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(records=RECORDS)
def test_cleansing_gives_a_record_or_a_one_line_reason_for_any_text(spark, records):
    df = users_df(spark, records).select(
        invalid_reason(F.col("user"), F.lit("2026-03-08").cast("date")).alias("reason"),
        processed_struct(F.col("user")).alias("p"),
        normalise_phone(F.col("user.phone")).alias("phone"),
    )
    for row, record in zip(df.collect(), records):
        reason, p = row["reason"], row["p"]
        assert all(v is not None for v in p.asDict().values())
        assert row["phone"] is None or re.fullmatch(r"\+?[0-9]*", row["phone"])
        if reason is not None:
            assert "\n" not in reason and "\r" not in reason and len(reason) < 200
            assert reason.startswith("invalid ")
            continue
        # Valid: within every limit, with an id and an e-mail as the contract says.
        for field, limit in TEXT_LIMITS.items():
            value = record.get(field)
            assert value is None or len(value) <= limit
        assert re.fullmatch(r"[0-9a-f-]{36}", p["id"]) and "@" in p["email"] and p["first_name"] and p["last_name"]
