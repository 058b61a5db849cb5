"""When to stop: a stop file (written by the launcher), SIGTERM/SIGINT to this process, or the
launcher's process gone (so an orphaned job does not run on forever)."""
from __future__ import annotations

import os
import signal
from typing import Callable, Optional


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class StopSignal:
    def __init__(
        self,
        stop_file: Optional[str] = None,
        supervisor_pid: Optional[int] = None,
        pid_alive: Callable[[int], bool] = _pid_alive,
    ):
        self._stop_file = stop_file
        self._supervisor_pid = supervisor_pid
        self._pid_alive = pid_alive
        self._signalled: Optional[str] = None

    def install_handlers(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda signum, _frame: self._on_signal(signum))

    def _on_signal(self, signum: int) -> None:
        self._signalled = signal.Signals(signum).name

    def reason(self) -> Optional[str]:
        """Why the job should stop now, or None to keep running."""
        if self._signalled:
            return f"signal {self._signalled}"
        if self._stop_file and os.path.exists(self._stop_file):
            return f"stop file {self._stop_file}"
        if self._supervisor_pid is not None and not self._pid_alive(self._supervisor_pid):
            return f"supervisor pid {self._supervisor_pid} is gone"
        return None
