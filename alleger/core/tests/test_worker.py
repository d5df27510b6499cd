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
