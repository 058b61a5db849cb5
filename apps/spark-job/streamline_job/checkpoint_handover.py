"""Switching modes keeps the job's place in the source topic.

The two modes keep separate checkpoints (`<checkpoint-dir>/cleanse` and `<checkpoint-dir>/realtime`:
one plan is stateful, the other not, so Spark cannot resume one from the other). A query on an
empty checkpoint would start from `--starting-offsets` (`earliest`: the whole topic again, hours of
work on a long-running stack). Instead it starts where the other mode's query last committed: the
end offsets of that query's newest committed batch, read from its offset log.

Pure Python (no pyspark): the checkpoint's offset log is text, `v1`, the batch metadata, then one JSON
line per source, e.g. `{"users_created":{"0":120,"1":98,"2":131}}`, the form `startingOffsets` takes."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Optional, Set


@dataclass(frozen=True)
class Handover:
    """The starting offsets (Spark's JSON for `startingOffsets`) and where they came from."""

    starting_offsets: str
    from_query: str
    from_batch: int


def _batch_ids(log_dir: str) -> Set[int]:
    """Batch ids of a checkpoint log (`offsets/` or `commits/`): its files named by a number (Spark's
    `.N.crc` and temp files are not)."""
    try:
        names = os.listdir(log_dir)
    except FileNotFoundError:
        return set()
    return {int(name) for name in names if name.isdigit()}


def last_committed_offsets(query_dir: str, topic: str) -> Optional[tuple[int, dict]]:
    """(batch id, {topic: {partition: offset}}) of the newest batch both logged and committed in one
    query's checkpoint, or None when it has none or its offset log names another topic."""
    done = _batch_ids(os.path.join(query_dir, "offsets")) & _batch_ids(os.path.join(query_dir, "commits"))
    if not done:
        return None
    batch = max(done)
    with open(os.path.join(query_dir, "offsets", str(batch)), encoding="utf-8") as log:
        lines = log.read().splitlines()
    for line in lines[2:]:  # after the version and the batch metadata: one line per source
        try:
            source = json.loads(line)
        except ValueError:  # "-": a source with no offsets yet
            continue
        if isinstance(source, dict) and isinstance(source.get(topic), dict) and source[topic]:
            return batch, {topic: source[topic]}
    return None


def handover_offsets(checkpoint_dir: str, query: str, other_query: str, topic: str) -> Optional[Handover]:
    """Where `query` should start when its own checkpoint is empty: the other mode's last committed
    offsets. None when `query` resumes from its own checkpoint, or the other one has nothing committed."""
    if _batch_ids(os.path.join(checkpoint_dir, query, "offsets")):
        return None  # Spark resumes from this query's own checkpoint; startingOffsets is ignored
    found = last_committed_offsets(os.path.join(checkpoint_dir, other_query), topic)
    if found is None:
        return None
    batch, offsets = found
    return Handover(json.dumps(offsets, separators=(",", ":")), other_query, batch)
