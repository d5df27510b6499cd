import time

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_worker_runs_every_periodic_job_once(settings, capsys):
    settings.PERIODIC_JOBS = [("settle", 60)]
    call_command("worker", "--once")
    assert "project(s) settled" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others(settings, capsys):
    settings.PERIODIC_JOBS = [("no_such_command", 60), ("settle", 60)]
    call_command("worker", "--once")
    captured = capsys.readouterr()
    assert "job no_such_command failed" in captured.err
    assert "project(s) settled" in captured.out


def test_the_demo_s_worker_stops_with_its_server(settings, capsys):
    """`alleger demo` starts the worker with --parent, then the server takes its process (exec): once that
    process is gone the worker is someone else's child, and stops instead of running on, orphaned."""
    import os
    import subprocess
    import sys
    import tempfile

    settings.PERIODIC_JOBS = [("settle", 60)]
    call_command("worker", "--parent", str(os.getpid() + 10_000_000))  # not its parent: returns at once
    assert "settled" not in capsys.readouterr().out
    # A real worker whose parent (a shell) ends a few seconds after starting it: it runs as long as the shell
    # does, then stops by itself.
    script = (f"{sys.executable} {settings.BASE_DIR / 'manage.py'} worker --parent $$ >/dev/null 2>&1 & echo $!; "
              "sleep 5; kill -0 $! && echo running")
    # Its own empty folder and database: its first round of jobs must touch nothing real.
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    environment["ALLEGER_VAR_DIR"] = tempfile.mkdtemp(prefix="alleger-worker-test-")
    started = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=60, env=environment)
    pid, running = started.stdout.split()
    assert running == "running"
    pid = int(pid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _running(pid):
        time.sleep(0.2)
    assert not _running(pid)


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting for a parent to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
