"""Process entry: parse options, run the stream, turn failures into one JSON error line and exit 1."""
from __future__ import annotations

import traceback
from typing import Sequence

from .job_contract import JOB_FAILED
from .log import JsonLog
from .options import parse_options
from .stop_signal import StopSignal


def main(argv: Sequence[str]) -> int:
    opts = parse_options(argv)  # exits 2 with a usage line on a bad option: not worth a restart
    log = JsonLog()
    stop = StopSignal(opts.stop_file, opts.supervisor_pid)
    stop.install_handlers()
    try:
        from .stream import run  # pyspark imported only once the options are fine

        return run(opts, log, stop)
    except Exception as error:  # noqa: BLE001 - the one place that reports and exits
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        log.error(JOB_FAILED, error=f"{type(error).__name__}: {first_line}", trace=traceback.format_exc())
        return 1
