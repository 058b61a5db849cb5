"""JSON lines on stdout: the launcher parses them and logs them through its pino logger."""
from __future__ import annotations

import json
import sys
import time
from typing import Any, TextIO

LEVELS = ("debug", "info", "warn", "error")


class JsonLog:
    def __init__(self, stream: TextIO = sys.stdout, component: str = "users-stream"):
        self._stream = stream
        self._component = component

    def _write(self, level: str, msg: str, fields: dict) -> None:
        entry: dict[str, Any] = {"streamline": 1, "level": level, "msg": msg, "component": self._component, "time": int(time.time() * 1000)}
        entry.update(fields)
        self._stream.write(json.dumps(entry, default=str) + "\n")
        self._stream.flush()

    def debug(self, msg: str, **fields: Any) -> None:
        self._write("debug", msg, fields)

    def info(self, msg: str, **fields: Any) -> None:
        self._write("info", msg, fields)

    def warn(self, msg: str, **fields: Any) -> None:
        self._write("warn", msg, fields)

    def error(self, msg: str, **fields: Any) -> None:
        self._write("error", msg, fields)
