"""Where the query stands on its source topic, reported as the contract's "committed position" event
(the launcher serves it in its /healthz; the monitor computes the job's lag from it, so it needs no
access to the checkpoint): at the query's start, the position it resumes from; then after each
committed batch, that batch's end offsets from Spark's progress.

Kafka offsets here are next offsets (exclusive ends), per partition, as Spark keeps them."""
from __future__ import annotations

import json
import os
from typing import Any, Dict, Optional

from .checkpoint_handover import Handover, last_committed_offsets
from .job_contract import COMMITTED_POSITION
from .log import JsonLog


def _by_partition(offsets: Dict[str, Any]) -> Dict[str, int]:
    return {str(p): int(o) for p, o in sorted(offsets.items(), key=lambda item: int(item[0]))}


def resume_position(checkpoint_dir: str, query: str, topic: str, handover: Optional[Handover] = None) -> Dict[str, Any]:
    """The event's fields at the query's start: its checkpoint's latest committed batch; else, on a
    first start after a mode switch, where the other mode left off; else no offsets (it reads from
    --starting-offsets)."""
    fields: Dict[str, Any] = {"query": query, "topic": topic, "resumed": True}
    found = last_committed_offsets(os.path.join(checkpoint_dir, query), topic)
    if found is not None:
        batch, offsets = found
        return {**fields, "batch": batch, "offsets": _by_partition(offsets[topic])}
    if handover is not None:
        offsets = json.loads(handover.starting_offsets)[topic]
        return {**fields, "offsets": _by_partition(offsets), "fromQuery": handover.from_query}
    return fields


def progress_position(progress: Any, query: str, topic: str) -> Optional[Dict[str, Any]]:
    """The event's fields after a committed batch: the source's end offsets in Spark's progress (a
    JSON string in Spark 4's SourceProgress, `{"<topic>": {"<partition>": <offset>}}`). None when the
    progress names no offsets of `topic`."""
    for source in progress.get("sources") or []:
        end = source.get("endOffset")
        if isinstance(end, str):
            try:
                end = json.loads(end)
            except ValueError:
                continue
        if isinstance(end, dict) and isinstance(end.get(topic), dict) and end[topic]:
            return {"query": query, "topic": topic, "batch": progress.get("batchId"), "offsets": _by_partition(end[topic]), "resumed": False}
    return None


def log_progress_position(log: JsonLog, progress: Any, query: str, topic: str) -> None:
    """After each batch Spark reported (its progress comes once the batch is committed)."""
    fields = progress_position(progress, query, topic)
    if fields is not None:
        log.debug(COMMITTED_POSITION, **fields)
