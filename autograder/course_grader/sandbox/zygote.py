"""A pre-warmed process that forks one child per graded exercise.

Started once per grading worker and runtime as

    python -I -m course_grader.sandbox.zygote <numpy|tensorflow> <control fd>

it imports NumPy (and TensorFlow) once, then waits. For every request on
the control socket it receives a fresh socket and an output file, forks,
and replies with the child's pid. The child pays no import cost, shares
nothing with other submissions (a fork copies memory), and never sees the
grader's own memory: the zygote has imported neither `course_lib` nor the
grading code's trusted half.

The child (see `child_main`) locks itself down, runs the answer cell,
then serves `call` / `probe` requests until told to stop.
"""

import linecache
import os
import resource
import signal
import socket
import struct
import sys
import tempfile
import traceback

PID = struct.Struct("!i")


def _preload(runtime):
    import numpy  # noqa: F401

    if runtime == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)  # the absl / cudart lines TensorFlow prints at import
        try:
            import tensorflow as tf

            tf.get_logger().setLevel("ERROR")
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)
    import cloudpickle  # noqa: F401  (probes arrive pickled by value)

    from . import policy, wire  # noqa: F401


def serve(runtime, control_fd):
    _preload(runtime)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    control = socket.socket(fileno=control_fd)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 16, 2)
        except OSError:
            return
        if not message:
            return  # the grader went away
        pid = os.fork()
        if pid == 0:
            control.close()
            status = 1
            try:
                child_main(socket.socket(fileno=fds[0]), fds[1])
                status = 0
            finally:
                os._exit(status)
        for fd in fds:
            os.close(fd)
        control.sendall(PID.pack(pid))


# --------------------------------------------------------------------------
# The child
# --------------------------------------------------------------------------


def _limit_resources(policy):
    cpu = int(policy.time_limit) + 10
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    limit = 8 * policy.output_limit
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    with open("/proc/self/status") as status:
        vm_kib = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    address_space = vm_kib * 1024 + policy.memory_limit
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))


def _redirect_output(output_fd):
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(output_fd)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)


def _student_traceback(error, filename):
    """The traceback lines that point into the student's own cell, then the error."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
    lines = traceback.format_list(frames[-3:]) + traceback.format_exception_only(type(error), error)
    return "".join(lines)[-2000:]


def _error_record(error, filename):
    return {
        "type": type(error).__name__,
        "bases": [cls.__name__ for cls in type(error).__mro__],
        "message": str(error)[:1000],
        "traceback": _student_traceback(error, filename),
    }


def child_main(sock, output_fd):
    from . import policy as policy_module
    from . import wire

    setup = wire.receive_trusted(sock)
    policy = setup["policy"]
    os.chdir(policy.writable_root)
    tempfile.tempdir = policy.writable_root
    os.environ["TMPDIR"] = policy.writable_root
    os.environ["HOME"] = policy.writable_root
    _redirect_output(output_fd)
    _limit_resources(policy)

    def report_violation(description):
        try:
            wire.send(sock, {"kind": "forbidden", "what": description})
        except OSError:
            pass

    monitor = policy_module.CallMonitor(policy.forbidden_packages, policy.forbidden_apis, report_violation)
    monitor.install()
    policy_module.install_audit_hook(policy)

    import cloudpickle  # noqa: F401

    filename = f"<answer cell {setup['cell_id']}>"
    # Like IPython, keep the cell's source findable: AutoGraph reads it to convert `if`/`while` in a tf.function.
    linecache.cache[filename] = (len(setup["source"]), None, setup["source"].splitlines(True), filename)
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    try:
        exec(compile(setup["source"], filename, "exec"), namespace)
    except BaseException as error:  # noqa: BLE001 -- SystemExit and friends count too
        wire.send(sock, {"kind": "cell_error", "error": _error_record(error, filename)})
        return
    wire.send(sock, {"kind": "ready", "names": sorted(k for k in namespace if not k.startswith("__"))})

    student = _Namespace(namespace)
    while True:
        request = wire.receive_trusted(sock)
        if request["op"] == "stop":
            return
        try:
            if request["op"] == "call":
                target = namespace.get(request["name"])
                if target is None:
                    raise NameError(f"your answer cell does not define `{request['name']}`")
                value = target(*request["args"], **request["kwargs"])
            else:  # "probe": trusted code that drives the student's objects
                value = request["probe"](student, *request["args"])
            reply = {"kind": "value", "value": wire.to_plain_data(value)}
        except BaseException as error:  # noqa: BLE001
            reply = {"kind": "raised", "error": _error_record(error, filename)}
        sys.stdout.flush()
        sys.stderr.flush()
        wire.send(sock, reply)


class _Namespace:
    """What a probe sees as `student`: the answer cell's names as attributes."""

    def __init__(self, namespace):
        self.__dict__.update({k: v for k, v in namespace.items() if not k.startswith("__")})


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
