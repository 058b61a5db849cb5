"""Real-time Mode's replacement for the micro-batch driver's look at each batch: a framed record whose
writer schema id the query does not know fails its task before anything of it is written; the driver
reads the id from the query's failure, asks the registry, and restarts the query from its checkpoint.

An id the registry knows becomes a writer; an id it does not know is sent to the DLQ from then on
(`unknown schema id N`, as `decode_users` says for any id outside the writers)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List, Set

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from . import framing
from .registry import RegistryClient

MARK = "streamline-unknown-schema-id:"
_MARKED = re.compile(re.escape(MARK) + r"(-?\d+)")


def guard_unknown_schema_ids(source: DataFrame, known_ids: Iterable[int]) -> DataFrame:
    """Kafka source rows whose `value` fails the task (raise_error, with the id after MARK) when it is
    Confluent-framed with a schema id outside `known_ids`; other rows pass unchanged."""
    value: Column = F.col("value")
    sid = framing.schema_id(value)
    framed = framing.is_framed(value)
    known = sid.isin([F.lit(i) for i in sorted(set(known_ids))])
    failure = F.raise_error(F.concat(F.lit(MARK), sid.cast("string")))
    return source.withColumn("value", F.when(framed & ~known, failure).otherwise(value))


def unknown_ids_in(error: BaseException) -> List[int]:
    """The schema ids a guarded query failed on (none: it failed for another reason)."""
    return sorted({int(m) for m in _MARKED.findall(str(error))})


@dataclass
class SchemaIdResolution:
    registered: List[int]
    unregistered: List[int]


def resolve_ids(registry: RegistryClient, ids: Iterable[int]) -> SchemaIdResolution:
    registered: Set[int] = set()
    unregistered: Set[int] = set()
    for schema_id in ids:
        (registered if registry.schema_by_id(schema_id) is not None else unregistered).add(schema_id)
    return SchemaIdResolution(registered=sorted(registered), unregistered=sorted(unregistered))
