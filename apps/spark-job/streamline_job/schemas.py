"""The schemas a query runs with, from the registry: reader, writers, and the processed record's."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable

from .options import JobOptions
from .registry import RegisteredSchema, RegistryClient


@dataclass
class Schemas:
    reader: RegisteredSchema
    writers: Dict[int, str]
    processed: RegisteredSchema


def load_schemas(registry: RegistryClient, opts: JobOptions, extra_writer_ids: Iterable[int] = ()) -> Schemas:
    """Reader = latest of <source>-value; writers = all its versions, plus ids met in messages (they
    may have been registered under another subject)."""
    reader = registry.latest(opts.source_subject)
    writers = registry.all_versions(opts.source_subject)
    writers[reader.id] = reader.schema
    for schema_id in extra_writer_ids:
        text = registry.schema_by_id(schema_id)
        if text is not None:
            writers[schema_id] = text
    if opts.processed_schema_id is not None:
        text = registry.schema_by_id(opts.processed_schema_id)
        if text is None:
            raise ValueError(f"--processed-schema-id {opts.processed_schema_id} is unknown to the registry")
        processed = RegisteredSchema(id=opts.processed_schema_id, schema=text)
    else:
        processed = registry.latest(opts.processed_subject)
    return Schemas(reader=reader, writers=writers, processed=processed)
