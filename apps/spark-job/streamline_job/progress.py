"""Spark's StreamingQueryProgress, reduced to what the launcher exports."""
from __future__ import annotations


def progress_fields(progress: dict) -> dict:
    """Spark's StreamingQueryProgress, reduced to what the launcher exports (its /metrics and /healthz)."""
    behind = None
    for source in progress.get("sources", []):
        value = (source.get("metrics") or {}).get("maxOffsetsBehindLatest")
        if value is not None:
            behind = (behind or 0) + int(float(value))
    return {
        "batch": progress.get("batchId"),
        "inputRows": progress.get("numInputRows", 0),
        "inputRowsPerSecond": float(progress.get("inputRowsPerSecond") or 0.0),
        "processedRowsPerSecond": float(progress.get("processedRowsPerSecond") or 0.0),
        "durationMs": (progress.get("durationMs") or {}).get("triggerExecution", 0),
        "offsetsBehind": behind,
    }
