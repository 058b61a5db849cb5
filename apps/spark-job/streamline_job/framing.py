"""Confluent wire format as Spark column expressions: byte 0x00, 4-byte big-endian schema id, Avro body."""
from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

HEADER_BYTES = 5


def message_size(value: Column) -> Column:
    """Length in bytes; 0 for a null value (a tombstone)."""
    return F.coalesce(F.length(value), F.lit(0))


def magic_byte(value: Column) -> Column:
    """The first byte as an int (0..255), or null for an empty message."""
    return F.when(message_size(value) >= 1, F.conv(F.hex(value.substr(1, 1)), 16, 10).cast("int"))


def schema_id(value: Column) -> Column:
    """Bytes 2..5 as an unsigned big-endian number, or null when the message is too short."""
    return F.when(message_size(value) >= HEADER_BYTES, F.conv(F.hex(value.substr(2, 4)), 16, 10).cast("long"))


def is_framed(value: Column) -> Column:
    """True for a message long enough for the header and starting with the magic byte 0."""
    return (message_size(value) >= HEADER_BYTES) & (magic_byte(value) == 0)


def avro_body(value: Column) -> Column:
    """Everything after the 5-byte header (1-based: substring(value, 6, length - 5))."""
    return value.substr(F.lit(HEADER_BYTES + 1), message_size(value) - HEADER_BYTES)


def frame_prefix(schema_id_value: int) -> bytearray:
    """The 5 header bytes for `schema_id_value` (a driver-side constant)."""
    if not 0 <= schema_id_value < 2**32:
        raise ValueError(f"schema id {schema_id_value} does not fit 4 bytes")
    return bytearray(b"\x00" + schema_id_value.to_bytes(4, "big"))


def frame(schema_id_value: int, avro_payload: Column) -> Column:
    """concat(0x00, id as 4 bytes big-endian, payload): the same bytes as
    concat(unhex('00'), unhex(lpad(hex(id), 8, '0')), payload)."""
    return F.concat(F.lit(frame_prefix(schema_id_value)), avro_payload)
