from streamline_job.stop_signal import StopSignal


def test_runs_until_the_stop_file_appears(tmp_path):
    stop_file = tmp_path / "stop"
    stop = StopSignal(str(stop_file))
    assert stop.reason() is None
    stop_file.write_text("")
    assert stop.reason() == f"stop file {stop_file}"


def test_stops_when_the_supervisor_is_gone():
    alive = {"value": True}
    stop = StopSignal(supervisor_pid=4242, pid_alive=lambda pid: alive["value"])
    assert stop.reason() is None
    alive["value"] = False
    assert stop.reason() == "supervisor pid 4242 is gone"


def test_a_signal_asks_for_a_stop():
    import signal

    stop = StopSignal()
    stop._on_signal(signal.SIGTERM)
    assert stop.reason() == "signal SIGTERM"
