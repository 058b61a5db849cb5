"""Switching modes starts the new mode's query where the other mode's last committed batch ended."""
from __future__ import annotations

import json

from streamline_job.checkpoint_handover import handover_offsets, last_committed_offsets

TOPIC = "users_created"


def write_batch(query_dir, batch, offsets, committed=True):
    (query_dir / "offsets").mkdir(parents=True, exist_ok=True)
    (query_dir / "commits").mkdir(parents=True, exist_ok=True)
    meta = {"batchWatermarkMs": 0, "batchTimestampMs": 1764800000000, "conf": {}}
    (query_dir / "offsets" / str(batch)).write_text(f"v1\n{json.dumps(meta)}\n{json.dumps(offsets)}")
    (query_dir / "offsets" / f".{batch}.crc").write_bytes(b"crc")
    if committed:
        (query_dir / "commits" / str(batch)).write_text('v1\n{"nextBatchWatermarkMs":0}')


def test_starts_where_the_other_modes_last_committed_batch_ended(tmp_path):
    write_batch(tmp_path / "cleanse", 0, {TOPIC: {"0": 10, "1": 12, "2": 9}})
    write_batch(tmp_path / "cleanse", 7, {TOPIC: {"0": 120, "1": 98, "2": 131}})
    write_batch(tmp_path / "cleanse", 8, {TOPIC: {"0": 150, "1": 99, "2": 160}}, committed=False)

    handover = handover_offsets(str(tmp_path), "realtime", "cleanse", TOPIC)

    assert handover is not None
    # Batch 8 was planned but not committed: its records were never written, so it is not skipped.
    assert json.loads(handover.starting_offsets) == {TOPIC: {"0": 120, "1": 98, "2": 131}}
    assert (handover.from_query, handover.from_batch) == ("cleanse", 7)


def test_a_query_with_its_own_checkpoint_resumes_from_it(tmp_path):
    write_batch(tmp_path / "cleanse", 3, {TOPIC: {"0": 5}})
    write_batch(tmp_path / "realtime", 0, {TOPIC: {"0": 1}})
    assert handover_offsets(str(tmp_path), "realtime", "cleanse", TOPIC) is None


def test_nothing_to_carry_over_on_a_new_stack(tmp_path):
    assert handover_offsets(str(tmp_path), "realtime", "cleanse", TOPIC) is None
    write_batch(tmp_path / "cleanse", 0, {TOPIC: {"0": 5}}, committed=False)
    assert handover_offsets(str(tmp_path), "realtime", "cleanse", TOPIC) is None


def test_offsets_of_another_topic_are_not_carried_over(tmp_path):
    write_batch(tmp_path / "cleanse", 2, {"old_topic": {"0": 5}})
    assert last_committed_offsets(str(tmp_path / "cleanse"), TOPIC) is None
    assert handover_offsets(str(tmp_path), "realtime", "cleanse", TOPIC) is None


def test_carries_over_in_both_directions(tmp_path):
    write_batch(tmp_path / "realtime", 4, {TOPIC: {"0": 40, "1": 41, "2": 42}})
    handover = handover_offsets(str(tmp_path), "cleanse", "realtime", TOPIC)
    assert handover is not None and json.loads(handover.starting_offsets) == {TOPIC: {"0": 40, "1": 41, "2": 42}}
