"""`alleger serve`'s gunicorn, for real on 127.0.0.1: an Open311 poll of 800 ids passes its request line;
connections opened together are shared between the workers."""

import socket
import subprocess
import sys
import time

import pytest

from alleger.cli import REQUEST_LINE_LIMIT, gunicorn_args


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status_of(port: int, target: str) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        head = conn.recv(64).decode("latin-1")
    return int(head.split()[1])


def _start(workers: int):
    port = _free_port()
    args = gunicorn_args("alleger.testing.echo_wsgi:application", "127.0.0.1", port, workers)
    process = subprocess.Popen([sys.executable, "-m", *args, "--graceful-timeout", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.1)
        return port, process
    except BaseException:
        _stop(process)
        raise


def _stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def gunicorn():
    port, process = _start(1)
    try:
        yield port
    finally:
        _stop(process)



def test_gunicorn_takes_a_poll_of_800_ids_and_answers_414_beyond_its_limit(gunicorn):
    ids = ",".join(str(9_000_000 + i) for i in range(800))
    poll = f"/open311/v2/requests.json?service_request_id={ids}"
    assert _status_of(gunicorn, poll) == 200
    encoded = poll.replace(",", "%2C")  # clients that percent-encode the commas
    assert len(encoded) + len("GET  HTTP/1.1") <= REQUEST_LINE_LIMIT
    assert _status_of(gunicorn, encoded) == 200
    assert _status_of(gunicorn, "/?" + "x" * REQUEST_LINE_LIMIT) == 414


def test_connections_opened_together_are_shared_between_the_workers(monkeypatch):
    """Four keep-alive connections opened at once, two workers of two threads: each worker takes two.

    gunicorn's own gthread worker lets the first to wake take all four (one process, one core)."""
    monkeypatch.setenv("WEB_THREADS", "2")
    port, process = _start(2)
    try:
        connections = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(4)]
        request = b"GET /pid HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        for conn in connections:
            conn.sendall(request)
        first = [_body(conn) for conn in connections]
        for conn in connections:  # kept alive: the same worker answers each connection again
            conn.sendall(request)
        again = [_body(conn) for conn in connections]
        for conn in connections:
            conn.close()
    finally:
        _stop(process)
    assert sorted(first.count(pid) for pid in set(first)) == [2, 2]
    assert again == first


def test_a_worker_freezes_the_loaded_application_for_the_garbage_collector(gunicorn):
    # Full collections walk only what requests made since, not Django and the apps (alleger/server.py).
    from alleger.server import GC_THRESHOLDS

    with socket.create_connection(("127.0.0.1", gunicorn), timeout=10) as conn:
        conn.sendall(b"GET /gc HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        thresholds, frozen = _body(conn).rsplit(" ", 1)
    assert thresholds == str(GC_THRESHOLDS) and GC_THRESHOLDS[0] > 700
    assert int(frozen) > 1_000  # gunicorn and the application, at least


def _body(conn) -> str:
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += conn.recv(4096)
    return body.decode()


def test_the_request_line_limit_is_gunicorns_maximum():
    args = gunicorn_args("alleger.wsgi:application", "127.0.0.1", 8000, 3)
    assert args[args.index("--limit-request-line") + 1] == "8190" == str(REQUEST_LINE_LIMIT)


def test_the_access_log_is_on_unless_turned_off(monkeypatch):
    monkeypatch.delenv("WEB_ACCESS_LOG", raising=False)
    assert "--access-logfile" in gunicorn_args("alleger.wsgi:application", "127.0.0.1", 8000, 3)
    monkeypatch.setenv("WEB_ACCESS_LOG", "false")
    assert "--access-logfile" not in gunicorn_args("alleger.wsgi:application", "127.0.0.1", 8000, 3)
    monkeypatch.setenv("WEB_ACCESS_LOG", "peut-être")
    with pytest.raises(SystemExit, match="WEB_ACCESS_LOG"):
        gunicorn_args("alleger.wsgi:application", "127.0.0.1", 8000, 3)


def test_demo_and_serve_take_their_port_and_refuse_an_unknown_option(monkeypatch, capsys):
    from alleger import cli

    called = []
    monkeypatch.setattr(cli, "demo", lambda host, port: called.append(("demo", host, port)))
    monkeypatch.setattr(cli, "serve", lambda host, port: called.append(("serve", host, port)))
    monkeypatch.delenv("PORT", raising=False)
    cli._main(["demo", "--port", "8123"])
    cli._main(["serve"])
    assert called == [("demo", "127.0.0.1", 8123), ("serve", "127.0.0.1", 8000)]
    with pytest.raises(SystemExit):
        cli._main(["demo", "--prot", "8123"])
    assert "unrecognized arguments: --prot" in capsys.readouterr().err


def test_demo_and_build_refuse_to_run_without_the_front_end_packages(settings, tmp_path, monkeypatch):
    # Without `npm ci`, every page would fail on its missing stylesheet: one clear line instead, nothing collected.
    from alleger import cli

    collected = []
    monkeypatch.setattr(cli, "_django", lambda *argv: collected.append(argv))
    settings.NODE_MODULES = tmp_path
    with pytest.raises(SystemExit, match=r"node_modules/htmx.org/dist, node_modules/leaflet/dist\): run `npm ci`"):
        cli.collect_static()
    assert collected == []
    for _prefix, path in settings.FRONT_END_PACKAGES:
        (tmp_path / path).mkdir(parents=True)
    cli.collect_static()
    assert collected == [("collectstatic", "--noinput", "--verbosity", "0")]


def test_serve_makes_the_rate_limits_table_before_the_server_starts(monkeypatch):
    """Without Redis the rate limits live in a table: a deployment restarted without `migrate` still has it."""
    from alleger import cli

    steps = []
    monkeypatch.setattr(cli, "_django", lambda *argv: steps.append(argv))
    monkeypatch.setattr(cli.os, "execvp", lambda program, args: steps.append(("exec", args[3])))
    cli.serve("127.0.0.1", 8000, workers=1)
    assert steps == [("createcachetable",), ("exec", "alleger.wsgi:application")]
