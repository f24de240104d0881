"""What a submission may do while it is graded, and how that is enforced.

Two mechanisms, both from Python's standard library:

- `CallMonitor` (a `sys.setprofile` hook) notices when code from a
  forbidden place runs during a student's call: Keras, `course_lib`, or
  the one TF function an exercise asks students to rebuild. It sees the
  code that actually runs, however the student spelled the call (an alias,
  `getattr` with a built string, a reference taken in an earlier cell).
  It is used in the student's own kernel (self-check) and in the sandbox.
- `install_audit_hook` (PEP 578, sandbox only; an audit hook cannot be
  removed once added) refuses imports of forbidden packages, reading the
  course's own files, writing outside a scratch directory, starting
  processes, signals, sockets, `ctypes` and removing the call monitor.
"""

import importlib
import importlib.util
import inspect
import os
import sys
import sysconfig
import threading
from dataclasses import dataclass, field

#: Packages whose code never belongs in an answer, whatever the exercise.
ALWAYS_FORBIDDEN_PACKAGES = ("course_lib", "tf_keras", "torch", "jax", "jaxlib", "scipy", "sklearn")
#: Added for NumPy exercises: no TensorFlow, no Keras.
NUMPY_ONLY_FORBIDDEN_PACKAGES = ("tensorflow", "keras")
#: Names students write for TensorFlow's top-level module.
MODULE_ALIASES = {"tf": "tensorflow", "np": "numpy"}

_BLOCKED_EVENTS = {
    "os.system",
    "os.exec",
    "os.fork",
    "os.forkpty",
    "os.posix_spawn",
    "os.spawn",
    "subprocess.Popen",
    "pty.spawn",
    "os.kill",
    "os.killpg",
    "signal.pthread_kill",
    "socket.__new__",
    "socket.connect",
    "socket.bind",
    "ctypes.dlopen",
    "ctypes.dlsym",
    "ctypes.dlsym/handle",
    "ctypes.call_function",
    "ctypes.cdata",
    "ctypes.cdata/buffer",
    "resource.setrlimit",
    "resource.prlimit",
    "gc.get_objects",
    "gc.get_referrers",
    "gc.get_referents",
    "sys._current_frames",
    "os.chdir",
    "os.setuid",
}
_MAIN_THREAD_ONLY_EVENTS = {"sys.setprofile", "sys.settrace"}
_PATH_EVENTS = {
    "os.remove",
    "os.rmdir",
    "os.rename",
    "os.replace",
    "os.truncate",
    "os.chmod",
    "os.chown",
    "os.link",
    "os.symlink",
    "os.mkdir",
    "os.utime",
    "shutil.rmtree",
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


@dataclass
class Policy:
    """Everything the sandbox needs to know about one exercise's limits."""

    runtime: str = "numpy"
    forbidden_apis: tuple = ()
    forbidden_packages: tuple = ALWAYS_FORBIDDEN_PACKAGES + NUMPY_ONLY_FORBIDDEN_PACKAGES
    unreadable_roots: tuple = ()
    writable_root: str = ""
    time_limit: float = 20.0
    output_limit: int = 1 << 20
    memory_limit: int = 4 << 30
    extra: dict = field(default_factory=dict)


def make_policy(runtime="numpy", forbid=(), unreadable_roots=(), time_limit=20.0):
    """The policy for an exercise that runs on `runtime` ("numpy" or "tensorflow")."""
    if runtime not in ("numpy", "tensorflow"):
        raise ValueError(f"runtime must be 'numpy' or 'tensorflow', not {runtime!r}")
    packages = ALWAYS_FORBIDDEN_PACKAGES + (NUMPY_ONLY_FORBIDDEN_PACKAGES if runtime == "numpy" else ())
    return Policy(
        runtime=runtime,
        forbidden_apis=tuple(forbid),
        forbidden_packages=packages,
        unreadable_roots=tuple(unreadable_roots),
        time_limit=float(time_limit),
    )


def package_dir(name):
    """The directory of an installed package, found without importing it (None if absent)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return os.path.realpath(list(spec.submodule_search_locations)[0])
    return os.path.realpath(spec.origin) if spec.origin else None


def _resolve(dotted):
    """`"tf.nn.softmax"` -> the object, importing the longest module prefix."""
    parts = dotted.split(".")
    parts[0] = MODULE_ALIASES.get(parts[0], parts[0])
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            obj = getattr(obj, attribute)
        return obj
    raise ImportError(f"cannot find {dotted}")


def forbidden_code_objects(api_names):
    """Map the code objects behind each named API to that name.

    A function contributes its innermost code (past decorators such as TF's
    dispatch wrapper, which every TF function shares), and so do its
    siblings in the same module whose names extend its own (TF's `_v2`
    front end and the v1 function that does the work, reachable as
    `tf.compat.v1...`). A class contributes the functions it defines itself,
    not those it inherits.
    """
    code = {}
    for name in api_names:
        obj = _resolve(name)
        if inspect.isclass(obj):
            functions = [_underlying_function(value) for value in vars(obj).values()]
        else:
            functions = [obj] + _siblings(_unwrapped(obj))
        for function in functions:
            function = _unwrapped(function)
            if hasattr(function, "__code__"):
                code[function.__code__] = name
    return code


def _unwrapped(function):
    try:
        return inspect.unwrap(function)
    except ValueError:
        return function


def _siblings(function):
    """Functions in `function`'s module whose names start with its name (minus a `_v2` suffix)."""
    base = getattr(function, "__name__", "")
    base = base[: -len("_v2")] if base.endswith("_v2") else base
    module = sys.modules.get(getattr(function, "__module__", None) or "")
    if not base or module is None:
        return []
    return [value for key, value in vars(module).items() if key.startswith(base) and inspect.isfunction(value)]


def _underlying_function(attribute):
    """The plain function behind a method, static/class method or property (or None)."""
    if isinstance(attribute, (staticmethod, classmethod)):
        return attribute.__func__
    if isinstance(attribute, property):
        return attribute.fget
    return attribute


def _module_name(filename, roots):
    for root in roots:
        if filename.startswith(root):
            relative = os.path.relpath(filename, os.path.dirname(root.rstrip(os.sep)))
            return relative[: -len(".py")].replace(os.sep, ".") if relative.endswith(".py") else relative
    return filename


class CallMonitor:
    """Record the first call into forbidden code while active.

    `on_violation(description)` is called once, at the moment it happens
    (the sandbox uses it to tell the grader immediately).
    """

    def __init__(self, forbidden_packages=(), forbidden_apis=(), on_violation=None):
        roots = [package_dir(name) for name in forbidden_packages]
        self.roots = tuple(os.path.join(r, "") for r in roots if r)
        self.code = forbidden_code_objects(forbidden_apis)
        self.on_violation = on_violation
        self.violation = None
        self._verdicts = {}

    def _classify(self, code):
        if code in self.code:
            return self.code[code]
        filename = code.co_filename
        if filename.startswith(self.roots):
            return f"{_module_name(filename, self.roots)}.{code.co_qualname}"
        return ""

    def _profile(self, frame, event, arg):
        if event != "call":
            return
        code = frame.f_code
        verdict = self._verdicts.get(code)
        if verdict is None:
            verdict = self._verdicts[code] = self._classify(code)
        if verdict and self.violation is None:
            self.violation = verdict
            if self.on_violation is not None:
                self.on_violation(verdict)

    def install(self):
        """Watch every call from now on, in this thread and in threads started later."""
        threading.setprofile(self._profile)
        sys.setprofile(self._profile)

    def __enter__(self):
        self._previous = sys.getprofile()
        self._previous_threading = threading.getprofile() if hasattr(threading, "getprofile") else None
        self.install()
        return self

    def __exit__(self, *exc):
        sys.setprofile(self._previous)
        threading.setprofile(self._previous_threading)
        return False


def _installation_roots(unreadable):
    """Where this interpreter and its packages live: readable even inside an unreadable root (`.venv/`).

    A prefix that contains an unreadable root (a repository cloned under `/usr/src`) is left out.
    """
    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix]
    paths += [sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")]
    roots = dict.fromkeys(os.path.join(os.path.realpath(p), "") for p in paths if p)
    return tuple(r for r in roots if not any(u.startswith(r) for u in unreadable))


def install_audit_hook(policy, own_pid=None):
    """Sandbox only: refuse what an answer has no business doing (cannot be undone)."""
    blocked_packages = frozenset(policy.forbidden_packages)
    unreadable = tuple(os.path.join(os.path.realpath(r), "") for r in policy.unreadable_roots if r)
    writable = os.path.join(os.path.realpath(policy.writable_root), "") if policy.writable_root else None
    readable = _installation_roots(unreadable) + ((writable,) if writable else ())
    own_proc = f"/proc/{own_pid or os.getpid()}/"
    main_thread = threading.main_thread()

    def refuse(what):
        raise PermissionError(f"{what} is not allowed while grading (채점 중에는 허용되지 않습니다)")

    def check_write(path):
        real = os.path.realpath(os.fsdecode(path))
        if real == os.devnull:
            return
        if writable is None or not (real + os.sep).startswith(writable):
            refuse(f"writing to {real}")

    def hook(event, args):
        if event == "import":
            top = args[0].partition(".")[0]
            if top in blocked_packages:
                raise ImportError(
                    f"importing {args[0]} is not allowed in this exercise "
                    f"(이 연습에서는 {args[0]}을(를) import할 수 없습니다)"
                )
        elif event == "open":
            path, mode, flags = args
            if path is None or isinstance(path, int):
                return
            real = os.path.realpath(os.fsdecode(path))
            if (real + os.sep).startswith(unreadable) and not (real + os.sep).startswith(readable):
                refuse(f"opening {real}")
            if real.startswith("/proc/") and not (real.startswith(own_proc) or real.startswith("/proc/self/")):
                if real.split("/")[2].isdigit():
                    refuse(f"opening {real}")
            writing = (mode is not None and any(c in mode for c in "wax+")) or bool((flags or 0) & _WRITE_FLAGS)
            if writing:
                check_write(path)
        elif event in _BLOCKED_EVENTS:
            refuse(event)
        elif event in _MAIN_THREAD_ONLY_EVENTS:
            if threading.current_thread() is main_thread:
                refuse(event)
        elif event in _PATH_EVENTS:
            for candidate in args:
                if isinstance(candidate, (str, bytes, os.PathLike)):
                    check_write(candidate)

    sys.addaudithook(hook)
