"""Command-line options of the job, built from the contract (job_contract.py, generated from
libs/spark-job-contract/job-contract.json): flags, defaults, bounds, choices and help live there."""
from __future__ import annotations

import argparse
import json
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional, Sequence

from .job_contract import DURATION_PATTERN, OPTIONS
from .kafka_login import kafka_login_options

# ASCII, as the launcher (JavaScript) reads the same patterns.
_DURATION = re.compile(DURATION_PATTERN, re.ASCII)


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


def _error(spec: Mapping[str, Any], value: str, expected: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(f'invalid {spec["flag"][2:]} "{value}": expected {expected}')


def _duration(value: str) -> str:
    if not _DURATION.fullmatch(value.strip()):
        raise argparse.ArgumentTypeError(f'invalid duration "{value}": expected e.g. "10 minutes" or "30 seconds"')
    return value.strip()


def _offsets(value: str) -> str:
    # What the launcher accepts too: Spark reads a JSON object, anything else fails only at start.
    if value in ("earliest", "latest"):
        return value
    try:
        if isinstance(json.loads(value), dict):
            return value
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f'invalid starting offsets "{value}": expected earliest, latest or Spark offsets JSON')


def _bool(value: str) -> bool:
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f'invalid boolean "{value}": expected true or false')


def _bounded(spec: Mapping[str, Any]) -> Callable[[str], float]:
    """An integer or number within the contract's minimum / exclusiveMinimum."""
    integer = spec["type"] == "integer"
    minimum, above = spec.get("minimum"), spec.get("exclusiveMinimum")
    expected = ("a whole number" if integer else "a number") + (
        f" of at least {minimum}" if minimum is not None else f" above {above}" if above is not None else ""
    )

    def parse(value: str) -> float:
        number: Optional[float] = None
        if integer:
            number = int(value) if re.fullmatch(r"[0-9]+", value) else None
        else:
            try:
                number = float(value)
            except ValueError:
                pass
        if number is None or not math.isfinite(number) or (minimum is not None and number < minimum) or (above is not None and number <= above):
            raise argparse.ArgumentTypeError(f'invalid value "{value}": expected {expected}')
        return number

    return parse


def _text(spec: Mapping[str, Any]) -> Callable[[str], str]:
    """A string, one of the contract's choices or matching its pattern when it has one."""
    choices, pattern = spec.get("choices"), spec.get("pattern")

    def parse(value: str) -> str:
        if choices is not None and value not in choices:
            raise _error(spec, value, " or ".join(choices))
        if pattern is not None and not re.fullmatch(pattern, value, re.ASCII):
            raise _error(spec, value, spec["patternHint"])
        return value

    return parse


def _argument(spec: Mapping[str, Any]) -> Dict[str, Any]:
    """add_argument's keywords for one option of the contract."""
    kind, default = spec["type"], spec["default"]
    parse = {"duration": _duration, "offsets": _offsets, "boolean": _bool}.get(kind) or (
        _bounded(spec) if kind in ("integer", "number") else _text(spec)
    )
    # argparse formats help with %: the contract's text is literal.
    help_text = spec["description"].replace("%", "%%") + ("" if default is None else " (default %(default)s)")
    return {
        "type": parse,
        "default": float(default) if kind == "number" and default is not None else default,
        "help": help_text,
        **({"metavar": "{" + ",".join(spec["choices"]) + "}"} if "choices" in spec else {}),
    }


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="users_stream.py",
        description="Cleanses users_created into users_processed; invalid or undecodable records go to users_dlq.",
    )
    for spec in OPTIONS:
        p.add_argument(spec["flag"], **_argument(spec))
    return p


def parse_options(argv: Sequence[str], env: Optional[Mapping[str, str]] = None) -> JobOptions:
    parser = build_parser()
    ns = parser.parse_args(list(argv))
    try:
        login = kafka_login_options(os.environ if env is None else env)
    except ValueError as error:
        parser.error(str(error))
    return JobOptions(**vars(ns), kafka_login=login)
