"""The trusted side of the sandbox: start zygotes, open sessions, enforce time and output limits."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import cloudpickle

from . import wire
from .zygote import PID


#: Environment variables a submission may see. Everything else (JupyterHub API tokens, cloud
#: credentials, the grader's own settings) stays with the grader.
_PASSED_ENVIRONMENT = ("PATH", "LANG", "LANGUAGE", "TZ", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
_PASSED_ENVIRONMENT_PREFIXES = ("LC_", "TF_", "KERAS_BACKEND")


def sandbox_environment(environ=None):
    """The part of `environ` (default: ours) that a zygote and its children inherit."""
    environ = os.environ if environ is None else environ
    return {
        key: value
        for key, value in environ.items()
        if key in _PASSED_ENVIRONMENT or key.startswith(_PASSED_ENVIRONMENT_PREFIXES)
    }


class SessionBroken(Exception):
    """The submission's process cannot go on: it timed out, crashed or flooded its output.

    `reason_ko` / `reason_en` say why, for the feedback.
    """

    def __init__(self, reason_ko, reason_en):
        super().__init__(reason_en)
        self.reason_ko = reason_ko
        self.reason_en = reason_en


class Outcome:
    """What one call into the submission gave: a value, an exception, or a forbidden call."""

    def __init__(self, value=None, error=None, forbidden=None):
        self.value = value
        self.error = error  # dict(type, message, traceback) or None
        self.forbidden = forbidden  # description of the forbidden code that ran, or None

    @property
    def raised(self):
        return self.error is not None


class Zygote:
    """One pre-warmed process per runtime; forks a child per session."""

    def __init__(self, runtime):
        self.runtime = runtime
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.control = parent
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-m", "course_grader.sandbox.zygote", runtime, str(child.fileno())],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=tempfile.gettempdir(),
            env=sandbox_environment(),
            start_new_session=True,
        )
        child.close()

    def fork(self, output_fd):
        """A new child: returns (its pid, the socket to talk to it)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            socket.send_fds(self.control, [b"f"], [theirs.fileno(), output_fd])
            pid_bytes = wire._recv_exactly(self.control, PID.size)
        finally:
            theirs.close()
        return PID.unpack(pid_bytes)[0], ours

    def alive(self):
        return self.process.poll() is None

    def close(self):
        self.control.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


class ZygotePool:
    """Zygotes by runtime, started on first use and reused for every later session."""

    def __init__(self):
        self._zygotes = {}

    def get(self, runtime):
        zygote = self._zygotes.get(runtime)
        if zygote is None or not zygote.alive():
            zygote = self._zygotes[runtime] = Zygote(runtime)
        return zygote

    def close(self):
        for zygote in self._zygotes.values():
            zygote.close()
        self._zygotes.clear()


class Session:
    """One answer cell running in its own sandboxed child process."""

    def __init__(self, pool, policy, source, cell_id):
        self.policy = policy
        self.scratch = tempfile.TemporaryDirectory(prefix="grading-")
        policy.writable_root = self.scratch.name
        self.output_path = os.path.join(self.scratch.name, ".output")
        output_fd = os.open(self.output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            self.pid, self.sock = pool.get(policy.runtime).fork(output_fd)
        finally:
            os.close(output_fd)
        self.deadline = time.monotonic() + policy.time_limit
        self.broken = None
        self.forbidden = None
        self.names = ()
        wire.send(self.sock, {"policy": policy, "source": source, "cell_id": cell_id})
        reply = self._receive()
        if reply["kind"] == "cell_error":
            self.cell_error = reply["error"]
        else:
            self.cell_error = None
            self.names = tuple(reply["names"])

    # -- talking to the child ------------------------------------------------

    def _receive(self):
        """The next reply, noting forbidden calls reported on the way."""
        while True:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                self._break(
                    f"{self.policy.time_limit:g}초 안에 끝나지 않았습니다 (무한 루프?)",
                    f"did not finish within {self.policy.time_limit:g} s (an endless loop?)",
                )
            self.sock.settimeout(remaining)
            try:
                reply = wire.receive_untrusted(self.sock)
            except socket.timeout:
                continue
            except (wire.WireError, OSError) as error:
                self._break_after_crash(error)
            self._check_output_size()
            if reply.get("kind") == "forbidden":
                self.forbidden = self.forbidden or str(reply.get("what"))
                continue
            return reply

    def _check_output_size(self):
        try:
            size = os.path.getsize(self.output_path)
        except OSError:
            size = 0
        if size > self.policy.output_limit:
            self._break(
                f"출력이 너무 많습니다 ({size:,} 바이트 > {self.policy.output_limit:,})",
                f"printed too much output ({size:,} bytes > {self.policy.output_limit:,})",
            )

    def _break_after_crash(self, error):
        self._check_output_size()
        self._break(
            "프로세스가 비정상 종료되었습니다 (os._exit, 메모리 부족, 세그폴트 등)",
            f"its process died unexpectedly (os._exit, out of memory, a crash...): {error}",
        )

    def _break(self, reason_ko, reason_en):
        self.broken = SessionBroken(reason_ko, reason_en)
        self.close()
        raise self.broken

    def _request(self, message):
        if self.broken:
            raise self.broken
        self.forbidden = None
        try:
            wire.send(self.sock, message)
        except OSError as error:
            self._break_after_crash(error)
        reply = self._receive()
        if reply.get("kind") == "value":
            return Outcome(value=reply.get("value"), forbidden=self.forbidden)
        if reply.get("kind") == "raised":
            return Outcome(error=reply.get("error"), forbidden=self.forbidden)
        self._break("알 수 없는 응답", f"unexpected reply {reply.get('kind')!r}")

    def call(self, name, args, kwargs):
        """Call the student's `name(*args, **kwargs)` in the child."""
        return self._request({"op": "call", "name": name, "args": args, "kwargs": kwargs})

    def probe(self, function, args):
        """Run trusted `function(student, *args)` in the child (`student` holds the cell's names)."""
        return self._request({"op": "probe", "probe": _ByValue(function), "args": args})

    def output(self, limit=2000):
        """The last `limit` characters the student's code printed."""
        try:
            with open(self.output_path, "rb") as handle:
                handle.seek(max(0, os.path.getsize(self.output_path) - limit))
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def close(self):
        """Stop the child: politely if it is healthy, with SIGKILL if not."""
        sock, self.sock = getattr(self, "sock", None), None
        if sock is not None:
            exited = False
            if not self.broken:
                try:
                    wire.send(sock, {"op": "stop"})
                    sock.settimeout(2)
                    exited = sock.recv(1) == b""  # EOF: the child has exited
                except OSError:
                    pass
            if not exited:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            sock.close()
        self.scratch.cleanup()


class _ByValue:
    """Pickles a probe function by value (its code travels with it) via cloudpickle."""

    def __init__(self, function):
        self.payload = cloudpickle.dumps(function)

    def __reduce__(self):
        return (cloudpickle.loads, (self.payload,))
