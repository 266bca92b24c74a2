"""Where is an uploaded file parsed, so that nothing in it can take the server down?

`run(name, fn, *args, settings=...)` calls `fn(*args)` in a separate process and returns its result.
The process is forked, one per file, from a small single-threaded helper (`python -m loaders.sandbox`,
started once per server process, with the loaders already imported): never a fork of the
multi-threaded Streamlit server, and no fresh import of pandas per file. Before it reads the file the
forked process limits itself:

- address space: what it holds when it starts plus `upload.parse_memory_mb` (a parser asking for
  26 GB gets an allocation failure at once instead of the machine's memory);
- CPU time: `upload.parse_seconds`; the caller also kills it when that much wall-clock time has passed.

Whatever happens inside — an exception, an abort in native code, the memory or the time running
out — the caller gets either the result or a `LoadError` with a Russian message that names the file
and the limit. The helper listens on a Unix socket in a private temporary folder (mode 0700) and
exits when the server process that started it is gone.

Without fork and Unix sockets (Windows) files are parsed in-process, as with `upload.sandbox = false`
or env DASHBOARD_NO_SANDBOX=1 (debugging only): the limits of `loaders.limits` still apply.
"""
from __future__ import annotations

import atexit
import logging
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

from loaders.report import LoadError, Problem

log = logging.getLogger(__name__)

NO_SANDBOX_ENV = "DASHBOARD_NO_SANDBOX"
ROOT = Path(__file__).resolve().parent.parent
_HEADER = struct.Struct("!Q")
_lock = threading.Lock()
_helper: dict[str, Any] = {}
last_peak_rss = 0  # peak resident memory of the last parse process that answered (tests, bench)


def available() -> bool:
    return hasattr(os, "fork") and hasattr(socket, "AF_UNIX")


def _settings(settings: dict | None) -> tuple[bool, int, float]:
    from loaders.grid import setting

    on = bool(setting(settings, "upload.sandbox", True)) and os.environ.get(NO_SANDBOX_ENV) != "1" and available()
    memory = int(float(setting(settings, "upload.parse_memory_mb", 1024)) * 1024 * 1024)
    seconds = float(setting(settings, "upload.parse_seconds", 60))
    return on, memory, seconds


# ---------------------------------------------------------------- framing

def _send(sock: socket.socket, obj: Any) -> None:
    body = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(body)) + body)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    parts, left = [], n
    while left:
        part = sock.recv(min(left, 1 << 20))
        if not part:
            raise EOFError
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _recv(sock: socket.socket) -> Any:
    (n,) = _HEADER.unpack(_recv_exact(sock, _HEADER.size))
    return pickle.loads(_recv_exact(sock, n))


# ---------------------------------------------------------------- the caller's side

def _start_helper() -> str:
    folder = tempfile.mkdtemp(prefix="dashboard-parse-")  # mode 0700: only this user may connect
    path = os.path.join(folder, "socket")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "RUST_BACKTRACE": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "loaders.sandbox", path, str(os.getpid())], cwd=str(ROOT), env=env,
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not os.path.exists(path):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the parse helper did not start")
        time.sleep(0.01)
    _helper.update(proc=proc, path=path, pid=os.getpid())
    atexit.register(_stop_helper, proc)
    return path


def _stop_helper(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()


def _helper_path() -> str:
    with _lock:
        proc = _helper.get("proc")
        if proc is None or proc.poll() is not None or _helper.get("pid") != os.getpid():
            return _start_helper()
        return _helper["path"]


def _connect() -> socket.socket:
    for attempt in (1, 2):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(_helper_path())
            return sock
        except OSError:
            sock.close()
            if attempt == 2:
                raise
            with _lock:  # a helper that died: start another
                _helper.clear()
    raise AssertionError("unreachable")


def run(name: str, fn: Callable[..., Any], *args: Any, settings: dict | None = None) -> Any:
    """fn(*args) in a limited process; LoadError (Russian, naming `name` and the limit) if it cannot finish."""
    global last_peak_rss
    on, memory, seconds = _settings(settings)
    if not on:
        return fn(*args)
    started = time.monotonic()
    mb = memory // (1024 * 1024)
    sock = _connect()
    pid = None
    try:
        _send(sock, (fn, args, memory, seconds))
        sock.settimeout(seconds)
        pid = _recv(sock)
        reply = _recv(sock)
    except (socket.timeout, TimeoutError):
        reply = ("time", None, 0)
    except (EOFError, OSError, pickle.UnpicklingError):
        reply = ("died", None, 0)
    finally:
        sock.close()
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)  # gone already unless it overran
            except OSError:
                pass
    kind, payload, peak = reply
    last_peak_rss = peak
    if kind == "ok":
        return payload
    if kind == "error":
        raise LoadError(payload)
    if kind == "time" or time.monotonic() - started >= seconds * 0.95:
        raise LoadError(Problem("error", f"файл отклонён: его разбор не уложился в {seconds:g} с "
                                         "(предел времени на разбор одного файла)", file=name))
    if kind in ("memory", "died"):
        log.warning("parse process for an upload: %s after %.1f s", kind, time.monotonic() - started)
        raise LoadError(Problem("error", f"файл отклонён: разбор прерван — для него не хватило {mb} МБ памяти "
                                         "(предел памяти на разбор одного файла) или файл повреждён", file=name))
    log.error("parse process failed: %s", payload)
    raise LoadError(Problem("error", "файл не удалось прочитать: он повреждён или имеет неизвестный формат "
                                     f"(внутренняя ошибка разбора {payload})", file=name))


# ---------------------------------------------------------------- the helper and its children

def _vm_size() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _handle(conn: socket.socket) -> None:
    """In a forked child: read the request, tell our pid, limit ourselves, run, reply."""
    import resource

    fn, args, memory, seconds = _recv(conn)
    _send(conn, os.getpid())
    limit = _vm_size() + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = max(1, int(seconds) + 1)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        reply: tuple = ("ok", fn(*args))
    except LoadError as exc:
        reply = ("error", exc.problem)
    except MemoryError:
        reply = ("memory", None)
    except Exception as exc:  # the caller words it; the message may quote cells, so only the type travels
        reply = ("crash", type(exc).__name__)
    try:
        _send(conn, (*reply, _peak_rss()))
    except MemoryError:
        _send(conn, ("memory", None, 0))


def serve(path: str, parent: int) -> None:
    """Accept one connection per file and fork a child for it; exit when the parent process is gone."""
    import loaders.grid  # noqa: F401  (everything a child needs, imported once)

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path + ".new")
    server.listen(64)
    os.rename(path + ".new", path)  # the caller waits for this name: it appears only once we listen
    server.settimeout(2)
    while True:
        try:
            conn, _ = server.accept()
        except (socket.timeout, TimeoutError):
            if os.getppid() != parent:
                break
            continue
        pid = os.fork()
        if pid == 0:
            server.close()
            code = 0
            try:
                conn.settimeout(None)
                _handle(conn)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        conn.close()
    server.close()
    try:
        os.unlink(path)
        os.rmdir(os.path.dirname(path))
    except OSError:
        pass


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
