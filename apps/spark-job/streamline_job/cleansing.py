"""Cleansing and validation of one users_created record, as Spark column expressions (no Python UDFs:
everything runs in the JVM, so executors need no Python workers).

`user` is the decoded users_created struct (dob, registered_date and staged_at as timestamps).
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, List, Optional

from pyspark.sql import Column
from pyspark.sql import functions as F

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
EPOCH_DATE = dt.date(1970, 1, 1)
EPOCH_TS = dt.datetime(1970, 1, 1)

REASON_VALUE_CHARS = 80

# The size policy of libs/user-schema/size-policy.json (the one definition): each text field's most
# characters. The ingestor refuses a record over one; the job checks again for records that did not
# come through it (an outbox row another service wrote, data staged before the policy), so none
# reaches users_processed or Cassandra (where a row that wide once stalled a writer partition).
# Restated, as PROCESSED_FIELDS is: tests/test_size_policy.py fails when it drifts from the JSON.
TEXT_LIMITS: Dict[str, int] = {
    "id": 36, "gender": 32, "title": 64, "first_name": 256, "last_name": 256, "street_name": 512, "city": 256,
    "state": 256, "country": 256, "post_code": 32, "timezone_offset": 16, "timezone_description": 256, "email": 320,
    "username": 256, "phone": 64, "cell": 64, "national_id_name": 64, "national_id_value": 128, "picture_large": 2048,
    "picture_medium": 2048, "picture_thumbnail": 2048, "nationality": 8, "ingest_run_id": 128,
}

# users_processed.avsc field order; to_avro matches fields by name, the order keeps the struct readable.
# Restated, since spark-submit runs a copy of the job without libs/user-schema: tests/test_schema_drift.py
# fails when this list or the struct's types drift from the .avsc.
PROCESSED_FIELDS: List[str] = [
    "id", "first_name", "last_name", "gender", "address", "post_code", "email", "username", "dob", "age",
    "registered_date", "phone", "cell", "picture", "nationality", "staged_at", "published_at", "processed_at",
]


def processing_time() -> Column:
    """The wall clock, read per row. Not current_timestamp(): Spark folds that into a literal per
    micro-batch and inlines it in the generated Java, so every batch compiled its code anew."""
    now = F.timestamp_millis(F.expr("reflect('java.lang.System', 'currentTimeMillis')").cast("long"))
    return F.coalesce(now, F.lit(EPOCH_TS))  # non-nullable, as the Avro field


def clean_text(c: Column) -> Column:
    """Trimmed text; null stays null (validation decides what a missing value means)."""
    return F.trim(c)


def normalise_phone(c: Column) -> Column:
    """Digits only, keeping a leading + ("(272) 790-0888" -> "2727900888", "+44 20 7946" -> "+44207946")."""
    plus = F.when(F.trim(c).startswith("+"), F.lit("+")).otherwise(F.lit(""))
    return F.concat(plus, F.regexp_replace(c, r"[^0-9]", ""))


def one_line_address(user: Column) -> Column:
    """'<number> <street>, <city>, <state>, <country>'; empty parts are left out rather than leaving ', ,'."""
    def part(c: Column) -> Column:
        return F.nullif(F.trim(c), F.lit(""))

    street = F.nullif(F.concat_ws(" ", user["street_number"].cast("string"), part(user["street_name"])), F.lit(""))
    return F.concat_ws(", ", street, part(user["city"]), part(user["state"]), part(user["country"]))


def dob_date(user: Column) -> Column:
    """The birth date (UTC calendar day: the job runs with spark.sql.session.timeZone=UTC)."""
    return F.to_date(user["dob"])


def age_on(dob: Column, today: Column) -> Column:
    """Whole years from `dob` to `today`; one less until the birthday is reached (29 Feb counts on 1 Mar)."""
    before_birthday = (F.month(today) < F.month(dob)) | (
        (F.month(today) == F.month(dob)) & (F.dayofmonth(today) < F.dayofmonth(dob))
    )
    return (F.year(today) - F.year(dob) - F.when(before_birthday, 1).otherwise(0)).cast("int")


def _shown(c: Column) -> Column:
    """A value quoted for a one-line reason: newlines and tabs become spaces, long values are cut."""
    one_line = F.regexp_replace(F.coalesce(c.cast("string"), F.lit("null")), r"[\r\n\t]+", " ")
    return F.substring(one_line, 1, REASON_VALUE_CHARS)


def oversize_reason(user: Column) -> Column:
    """'invalid <field>: <n> characters, over the limit of <max>' for the first text field over its
    TEXT_LIMITS, trimmed as the job passes it on (Spark counts characters as code points: a code unit
    count, as the ingestor's, is never less), or null. The record is decoded in the job's reader schema, so it has every field."""
    reason: Column = None  # type: ignore[assignment]
    for field, limit in TEXT_LIMITS.items():
        length = F.length(F.trim(user[field]))  # what the job would pass on
        text = F.format_string(f"invalid {field}: %d characters, over the limit of {limit}", length)
        reason = F.when(length > limit, text) if reason is None else reason.when(length > limit, text)
    return reason


def invalid_reason(user: Column, today: Optional[Column] = None) -> Column:
    """Why a decoded record is invalid (one line naming the field and value), or null when it is valid."""
    today = F.current_date() if today is None else today
    user_id = F.lower(F.trim(user["id"]))
    email = F.trim(user["email"])
    dob = dob_date(user)
    return F.coalesce(oversize_reason(user), (
        F.when(user_id.isNull() | ~user_id.rlike(UUID_PATTERN), F.format_string('invalid id "%s": not a uuid', _shown(user["id"])))
        .when(email.isNull() | ~email.contains("@"), F.format_string('invalid email "%s": no @', _shown(user["email"])))
        .when(F.coalesce(F.trim(user["first_name"]), F.lit("")) == "", F.lit("invalid first_name: empty"))
        .when(F.coalesce(F.trim(user["last_name"]), F.lit("")) == "", F.lit("invalid last_name: empty"))
        .when(dob.isNull(), F.lit("invalid dob: missing"))
        .when(dob > today, F.format_string('invalid dob "%s": in the future', dob.cast("string")))
    ))


def processed_struct(user: Column, today: Optional[Column] = None, now: Optional[Column] = None, published: Optional[Column] = None) -> Column:
    """The users_processed record. Every field is non-nullable (as in users_processed.avsc): the
    coalesce fallbacks only satisfy the types, since invalid records never reach the encoder.
    `published` is the Kafka source row's timestamp (the broker's append time on users_created);
    without one (rows not read from Kafka) it is the epoch, the .avsc's "not recorded"."""
    today = F.current_date() if today is None else today
    now = processing_time() if now is None else now
    text = lambda c: F.coalesce(clean_text(c), F.lit(""))  # noqa: E731
    dob = dob_date(user)
    fields = {
        "id": F.coalesce(F.lower(F.trim(user["id"])), F.lit("")),
        "first_name": text(user["first_name"]),
        "last_name": text(user["last_name"]),
        "gender": text(user["gender"]),
        "address": F.coalesce(one_line_address(user), F.lit("")),
        "post_code": text(user["post_code"].cast("string")),
        "email": F.coalesce(F.lower(F.trim(user["email"])), F.lit("")),
        "username": text(user["username"]),
        "dob": F.coalesce(dob, F.lit(EPOCH_DATE)),
        "age": F.coalesce(age_on(dob, today), F.lit(0)),
        "registered_date": F.coalesce(user["registered_date"], F.lit(EPOCH_TS)),
        "phone": F.coalesce(normalise_phone(user["phone"]), F.lit("")),
        "cell": F.coalesce(normalise_phone(user["cell"]), F.lit("")),
        "picture": text(user["picture_medium"]),
        "nationality": text(user["nationality"]),
        "staged_at": F.coalesce(user["staged_at"], F.lit(EPOCH_TS)),
        "published_at": F.lit(EPOCH_TS) if published is None else F.coalesce(published, F.lit(EPOCH_TS)),
        "processed_at": now,
    }
    return F.struct(*[fields[name].alias(name) for name in PROCESSED_FIELDS])
