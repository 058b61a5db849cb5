"""Command-line options of the job. Defaults match the local stack and the pipeline contract."""
from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional, Sequence

from .kafka_login import kafka_login_options

DEFAULT_BOOTSTRAP = "127.0.0.1:9092"
DEFAULT_REGISTRY = "http://127.0.0.1:8081/apis/ccompat/v7"
DEFAULT_CHECKPOINT_DIR = ".stack/data/spark-checkpoints/users_stream"
MODES = ("microbatch", "realtime")

_DURATION = re.compile(r"^\d+(\.\d+)?\s+(millisecond|second|minute|hour|day)s?$")


@dataclass(frozen=True)
class JobOptions:
    bootstrap_servers: str
    source_topic: str
    processed_topic: str
    dlq_topic: str
    registry_url: str
    checkpoint_dir: str
    trigger_seconds: float
    watermark: str
    starting_offsets: str
    max_offsets_per_trigger: int
    fail_on_data_loss: bool
    processed_schema_id: Optional[int]
    app_name: str
    stop_file: Optional[str]
    supervisor_pid: Optional[int]
    stop_timeout_seconds: float
    mode: str
    realtime_batch_duration: str
    warm_up_users: int
    # kafka.* login options of the source and sink, from the environment (kafka_login.py).
    kafka_login: Dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def source_subject(self) -> str:
        return f"{self.source_topic}-value"

    @property
    def processed_subject(self) -> str:
        return f"{self.processed_topic}-value"


def _duration(value: str) -> str:
    if not _DURATION.match(value.strip()):
        raise argparse.ArgumentTypeError(f'invalid duration "{value}": expected e.g. "10 minutes" or "30 seconds"')
    return value.strip()


def _mode(value: str) -> str:
    if value not in MODES:
        raise argparse.ArgumentTypeError(f'invalid mode "{value}": expected {" or ".join(MODES)}')
    return value


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if number <= 0:
        raise argparse.ArgumentTypeError(f'invalid value "{value}": expected a positive number')
    return number


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) <= 0:
        raise argparse.ArgumentTypeError(f'invalid value "{value}": expected a positive integer')
    return int(value)


def _non_negative_int(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f'invalid value "{value}": expected 0 or a positive integer')
    return int(value)


def _offsets(value: str) -> str:
    if value in ("earliest", "latest") or value.lstrip().startswith("{"):
        return value
    raise argparse.ArgumentTypeError(f'invalid starting offsets "{value}": expected earliest, latest or Spark offsets JSON')


def _bool(value: str) -> bool:
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f'invalid boolean "{value}": expected true or false')


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="users_stream.py",
        description="Cleanses users_created into users_processed; invalid or undecodable records go to users_dlq.",
    )
    p.add_argument("--bootstrap-servers", default=DEFAULT_BOOTSTRAP, help="Kafka bootstrap servers (default %(default)s)")
    p.add_argument("--source-topic", default="users_created", help="input topic (default %(default)s)")
    p.add_argument("--processed-topic", default="users_processed", help="output topic (default %(default)s)")
    p.add_argument("--dlq-topic", default="users_dlq", help="dead-letter topic (default %(default)s)")
    p.add_argument("--registry-url", default=DEFAULT_REGISTRY, help="Confluent-API schema registry (default %(default)s)")
    p.add_argument("--checkpoint-dir", default=DEFAULT_CHECKPOINT_DIR, help="checkpoint root; one subdirectory per query")
    p.add_argument("--trigger-seconds", type=_positive_float, default=5.0, help="micro-batch interval (default %(default)s)")
    p.add_argument("--watermark", type=_duration, default="10 minutes", help="dedupe window, on processing time (default %(default)s)")
    p.add_argument("--starting-offsets", type=_offsets, default="earliest", help="first start only; later starts resume from the checkpoint")
    p.add_argument("--max-offsets-per-trigger", type=_positive_int, default=50000, help="records per micro-batch at most (back-pressure)")
    p.add_argument("--fail-on-data-loss", type=_bool, default=True, help="fail when offsets were deleted before being read (default true)")
    p.add_argument("--processed-schema-id", type=_positive_int, default=None, help="writer schema id; default: latest of <processed-topic>-value")
    p.add_argument("--app-name", default="streamline-users-stream", help="Spark application name")
    p.add_argument("--stop-file", default=None, help="when this file appears, finish the batch in flight and exit 0")
    p.add_argument("--supervisor-pid", type=_positive_int, default=None, help="stop gracefully when this process is gone")
    p.add_argument("--stop-timeout-seconds", type=_positive_float, default=30.0, help="wait this long for the batch in flight on stop")
    p.add_argument(
        "--mode", type=_mode, default="realtime",
        help="microbatch (foreachBatch every --trigger-seconds, with dedupe) or realtime (Spark's Real-time Mode: stateless, lowest latency)",
    )
    p.add_argument(
        "--realtime-batch-duration", type=_duration, default="5 minutes",
        help="realtime mode: how long each long-running batch lasts = the checkpoint interval (default %(default)s)",
    )
    p.add_argument(
        "--warm-up-users", type=_non_negative_int, default=3000,
        help="made-up users run through decode/cleanse/encode on the executors before the query starts, so the first real ones do not wait for cold JVMs; 0: none (default %(default)s)",
    )
    return p


def parse_options(argv: Sequence[str], env: Optional[Mapping[str, str]] = None) -> JobOptions:
    parser = build_parser()
    ns = parser.parse_args(list(argv))
    try:
        login = kafka_login_options(os.environ if env is None else env)
    except ValueError as error:
        parser.error(str(error))
    return JobOptions(**vars(ns), kafka_login=login)
