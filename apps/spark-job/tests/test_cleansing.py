import datetime as dt

import pytest
from pyspark.sql import functions as F

from conftest import users_df
from streamline_job.cleansing import PROCESSED_FIELDS, age_on, invalid_reason, normalise_phone, processed_struct, processing_time

TODAY = dt.date(2026, 3, 8)
NOW = dt.datetime(2026, 3, 8, 10, 0, 0)
PUBLISHED = dt.datetime(2026, 3, 8, 9, 59, 59)


def one(spark, column, value, ddl="v string"):
    return spark.createDataFrame([(value,)], ddl).select(column(F.col("v")).alias("out")).first()["out"]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("(272) 790-0888", "2727900888"),
        ("+44 20 7946 0958", "+442079460958"),
        ("  +1 (489) 330-2385 ", "+14893302385"),
        ("015242-24680", "01524224680"),
        ("1+2", "12"),
        ("", ""),
    ],
)
def test_phone_keeps_digits_and_a_leading_plus(spark, raw, expected):
    assert one(spark, normalise_phone, raw) == expected


@pytest.mark.parametrize(
    "dob, today, age",
    [
        (dt.date(1992, 3, 8), dt.date(2026, 3, 8), 34),  # birthday today
        (dt.date(1992, 3, 9), dt.date(2026, 3, 8), 33),  # tomorrow
        (dt.date(1992, 2, 9), dt.date(2026, 3, 8), 34),
        (dt.date(2000, 2, 29), dt.date(2025, 2, 28), 24),  # leap-day birthday counts on 1 March
        (dt.date(2000, 2, 29), dt.date(2025, 3, 1), 25),
        (dt.date(2026, 3, 8), dt.date(2026, 3, 8), 0),
    ],
)
def test_age_in_whole_years(spark, dob, today, age):
    df = spark.createDataFrame([(dob, today)], "dob date, today date")
    assert df.select(age_on(F.col("dob"), F.col("today")).alias("age")).first()["age"] == age


def cleanse(spark, **overrides):
    df = users_df(spark, [overrides])
    return df.select(processed_struct(F.col("user"), F.lit(TODAY), F.lit(NOW), F.lit(PUBLISHED)).alias("p"), invalid_reason(F.col("user"), F.lit(TODAY)).alias("reason")).first()


def test_a_valid_user_is_cleansed_per_the_contract(spark):
    row = cleanse(
        spark,
        id=" 7A0EED16-9430-4D68-901F-C0D4C1C3BF00 ",
        first_name="  Jennie ",
        email="  Jennie.Nichols@Example.COM ",
        post_code=" 63104",
        street_name=" Valwood Pkwy ",
    )
    assert row["reason"] is None
    assert row["p"].asDict() == {
        "id": "7a0eed16-9430-4d68-901f-c0d4c1c3bf00",
        "first_name": "Jennie",
        "last_name": "Nichols",
        "gender": "female",
        "address": "8929 Valwood Pkwy, Billings, Michigan, United States",
        "post_code": "63104",
        "email": "jennie.nichols@example.com",
        "username": "yellowpeacock117",
        "dob": dt.date(1992, 3, 8),
        "age": 34,
        "registered_date": dt.datetime(2007, 7, 9, 5, 51, 59, 390000),
        "phone": "2727900888",
        "cell": "4893302385",
        "picture": "https://randomuser.me/api/portraits/med/women/75.jpg",
        "nationality": "US",
        "staged_at": dt.datetime(2024, 1, 1, 12, 0, 0),
        "published_at": dt.datetime(2026, 3, 8, 9, 59, 59),
        "processed_at": dt.datetime(2026, 3, 8, 10, 0, 0),
    }


def test_empty_address_parts_are_left_out(spark):
    assert cleanse(spark, state="  ", city="")["p"]["address"] == "8929 Valwood Pkwy, United States"


def test_the_processed_struct_is_non_nullable_like_the_avsc(spark):
    df = users_df(spark, [{}]).select(processed_struct(F.col("user")).alias("p"))
    fields = df.schema["p"].dataType.fields
    assert [f.name for f in fields] == PROCESSED_FIELDS
    assert [f.name for f in fields if f.nullable] == []
    assert not df.schema["p"].nullable


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"id": "not-a-uuid"}, 'invalid id "not-a-uuid": not a uuid'),
        ({"id": None}, 'invalid id "null": not a uuid'),
        ({"id": "7a0eed16-9430-4d68-901f-c0d4c1c3bf0"}, 'invalid id "7a0eed16-9430-4d68-901f-c0d4c1c3bf0": not a uuid'),
        ({"email": "jennie.example.com"}, 'invalid email "jennie.example.com": no @'),
        ({"email": "line\nbreak"}, 'invalid email "line break": no @'),
        ({"first_name": "   "}, "invalid first_name: empty"),
        ({"last_name": ""}, "invalid last_name: empty"),
        ({"dob": None}, "invalid dob: missing"),
        ({"dob": dt.datetime(2026, 3, 9, 0, 0)}, 'invalid dob "2026-03-09": in the future'),
    ],
)
def test_invalid_records_get_one_line_naming_the_field_and_value(spark, overrides, reason):
    assert cleanse(spark, **overrides)["reason"] == reason


def test_the_first_failing_rule_is_reported_and_a_dob_of_today_is_fine(spark):
    assert cleanse(spark, id="x", email="y")["reason"].startswith("invalid id")
    assert cleanse(spark, dob=dt.datetime(2026, 3, 8, 23, 59))["reason"] is None


def test_a_long_value_is_cut_in_the_reason(spark):
    reason = cleanse(spark, email="x" * 300)["reason"]
    assert reason == f'invalid email "{"x" * 80}": no @'


def test_processing_time_is_the_wall_clock_per_row_and_never_null(spark):
    before = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    df = spark.range(3).select(processing_time().alias("t"))
    rows = df.collect()
    after = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    assert df.schema["t"].nullable is False
    for row in rows:
        assert before - dt.timedelta(seconds=1) <= row["t"] <= after + dt.timedelta(seconds=1)


def test_processing_time_stays_out_of_the_generated_code(spark):
    # current_timestamp() becomes a literal per query, inlined in the Java Spark generates, so every
    # micro-batch compiled new code; the per-row clock keeps the code of two plans identical.
    def code(column):
        return spark.range(1).select(column.alias("t"))._jdf.queryExecution().debug().codegenToSeq().toString()

    assert code(F.current_timestamp()) != code(F.current_timestamp())
    assert code(processing_time()) == code(processing_time())
