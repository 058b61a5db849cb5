"""The job restates two Avro schemas of libs/user-schema/avro (the one source of truth):
`PROCESSED_FIELDS` (cleansing.py, users_processed.avsc) and the tests' `USERS_CREATED_DDL`
(conftest.py, users_created.avsc, as from_avro decodes it). These tests fail when either drifts:
same field names in the same order, and the Spark type the Avro type decodes to.

They are restated rather than derived at import time because the job runs under spark-submit
from a copy of the job alone (apps/spark-launcher/Dockerfile), where the .avsc files are not."""
from __future__ import annotations

import json

import pytest
from pyspark.sql import functions as F
from pyspark.sql import types as T

from conftest import AVRO_DIR, USERS_CREATED_DDL, users_df
from streamline_job.cleansing import PROCESSED_FIELDS, processed_struct

# Avro primitive -> Spark SQL type, as spark-avro's SchemaConverters decodes it.
PRIMITIVES = {
    "string": T.StringType(),
    "int": T.IntegerType(),
    "long": T.LongType(),
    "float": T.FloatType(),
    "double": T.DoubleType(),
    "boolean": T.BooleanType(),
    "bytes": T.BinaryType(),
}
# (logicalType, base type) -> Spark SQL type; a logical type on another base is ignored, as Avro says.
LOGICAL = {
    ("uuid", "string"): T.StringType(),
    ("date", "int"): T.DateType(),
    ("timestamp-millis", "long"): T.TimestampType(),
    ("timestamp-micros", "long"): T.TimestampType(),
    ("local-timestamp-millis", "long"): T.TimestampNTZType(),
    ("local-timestamp-micros", "long"): T.TimestampNTZType(),
}


def spark_type(avro_type) -> tuple[T.DataType, bool]:
    """(Spark type, nullable) of one Avro field type; a ["null", X] union is X, nullable."""
    if isinstance(avro_type, list):
        branches = [b for b in avro_type if b != "null"]
        if len(branches) != 1:
            raise AssertionError(f"union {avro_type}: only [\"null\", X] is mapped here")
        return spark_type(branches[0])[0], "null" in avro_type
    if isinstance(avro_type, str):
        if avro_type not in PRIMITIVES:
            raise AssertionError(f"Avro type {avro_type!r} has no Spark mapping here: add it to PRIMITIVES")
        return PRIMITIVES[avro_type], False
    base, logical = avro_type["type"], avro_type.get("logicalType")
    if base == "enum":
        return T.StringType(), False
    if base == "fixed" and logical != "decimal":
        return T.BinaryType(), False
    if logical == "decimal":
        return T.DecimalType(avro_type["precision"], avro_type.get("scale", 0)), False
    if (logical, base) in LOGICAL:
        return LOGICAL[(logical, base)], False
    return spark_type(base)


def avsc_fields(name: str) -> list[tuple[str, T.DataType, bool]]:
    schema = json.loads((AVRO_DIR / name).read_text())
    return [(f["name"], *spark_type(f["type"])) for f in schema["fields"]]


def describe(fields) -> list[str]:
    """'name type [null]' per field: an assertion diff that names the field that moved or changed."""
    return [f"{name} {dtype.simpleString()}{' null' if nullable else ''}" for name, dtype, nullable in fields]


def test_processed_fields_are_the_users_processed_avsc_fields_in_order():
    assert PROCESSED_FIELDS == [name for name, _, _ in avsc_fields("users_processed.avsc")]


def test_the_processed_struct_has_the_users_processed_avsc_types_and_nullability(spark):
    struct = users_df(spark, [{}]).select(processed_struct(F.col("user")).alias("p")).schema["p"].dataType
    actual = [(f.name, f.dataType, f.nullable) for f in struct.fields]
    assert describe(actual) == describe(avsc_fields("users_processed.avsc"))


def test_the_users_created_ddl_has_the_avsc_fields_in_order_with_their_types(spark):
    ddl = spark.createDataFrame([], USERS_CREATED_DDL).schema
    expected = avsc_fields("users_created.avsc")
    assert [f.name for f in ddl.fields] == [name for name, _, _ in expected]
    assert [f"{f.name} {f.dataType.simpleString()}" for f in ddl.fields] == [f"{n} {t.simpleString()}" for n, t, _ in expected]
    # The DDL is all-nullable on purpose (the tests feed invalid records with missing values), so
    # only a field the avsc makes nullable is checked: it must be nullable in the DDL as well.
    nullable_in_avsc = {name for name, _, nullable in expected if nullable}
    assert [f.name for f in ddl.fields if f.name in nullable_in_avsc and not f.nullable] == []


@pytest.mark.usefixtures("needs_avro")
@pytest.mark.parametrize("avsc", ["users_created.avsc", "users_processed.avsc"])
def test_the_mapping_is_what_from_avro_decodes(spark, avsc):
    """The mapping above is checked against spark-avro itself, so the two tests above compare with
    what the job really sees."""
    from pyspark.sql.avro.functions import from_avro

    decoded = spark.createDataFrame([], "v binary").select(from_avro(F.col("v"), (AVRO_DIR / avsc).read_text()).alias("u"))
    actual = [(f.name, f.dataType, f.nullable) for f in decoded.schema["u"].dataType.fields]
    assert describe(actual) == describe(avsc_fields(avsc))

