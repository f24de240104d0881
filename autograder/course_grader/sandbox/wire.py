"""Messages between the trusted grader and a sandboxed child, and a safe unpickler.

The trusted side sends with plain pickle (the child may read anything it
is sent). The child's replies are decoded with `RestrictedUnpickler`, which
rebuilds only plain data -- numbers, strings, containers and NumPy arrays --
so a submission cannot smuggle code into the grader through its results.
"""

import io
import pickle
import struct

import numpy as np

HEADER = struct.Struct("!Q")
MAX_REPLY_BYTES = 256 * 2**20


class WireError(Exception):
    """The other side closed the connection or sent something unreadable."""


def send(sock, obj):
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(HEADER.pack(len(payload)) + payload)


def _recv_exactly(sock, size):
    chunks, remaining = [], size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise WireError("connection closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def receive_bytes(sock, max_bytes=MAX_REPLY_BYTES):
    (size,) = HEADER.unpack(_recv_exactly(sock, HEADER.size))
    if size > max_bytes:
        raise WireError(f"reply of {size} bytes is larger than the {max_bytes}-byte limit")
    return _recv_exactly(sock, size)


def receive_trusted(sock):
    """Read a message from the trusted grader (child side)."""
    return pickle.loads(receive_bytes(sock))


# Everything a reply may contain. NumPy arrays pickle through these names.
_SAFE_GLOBALS = {
    ("builtins", "complex"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "slice"),
    ("builtins", "range"),
    ("numpy", "dtype"),
    ("numpy", "ndarray"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy.core.numeric", "_frombuffer"),
}


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickle plain data only; any other class or function is refused."""

    def find_class(self, module, name):
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        if module == "numpy" and name.endswith("DType"):  # numpy.dtypes.Float32DType etc.
            return super().find_class(module, name)
        if module == "numpy.dtypes":
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to rebuild {module}.{name} from a submission's reply")


def receive_untrusted(sock, max_bytes=MAX_REPLY_BYTES):
    """Read a reply from a sandboxed child: plain data only."""
    data = receive_bytes(sock, max_bytes)
    try:
        return RestrictedUnpickler(io.BytesIO(data)).load()
    except Exception as error:  # noqa: BLE001 -- any failure means an unusable reply
        raise WireError(f"unreadable reply: {error}") from None


def to_plain_data(value, depth=0):
    """Child side: turn a return value into data `RestrictedUnpickler` accepts.

    Tensors become NumPy arrays; containers are converted element by
    element; anything else is replaced by a description of what it was.
    """
    if depth > 20:
        return Opaque("nested too deeply")
    if value is None or type(value) in (bool, int, float, complex, str, bytes):
        return value
    for plain in (bool, int, float, complex, str, bytes):  # subclasses lose their class
        if isinstance(value, plain):
            return plain(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "O":
            return Opaque(f"an object array of shape {value.shape}")
        return np.array(value)  # a plain ndarray, never a subclass
    if isinstance(value, np.generic):
        return value.item() if value.dtype.kind == "O" else np.array(value)[()]
    if hasattr(value, "numpy") and callable(value.numpy):
        try:
            return to_plain_data(np.asarray(value.numpy()), depth + 1)
        except Exception:  # noqa: BLE001
            return Opaque(type(value).__name__)
    if isinstance(value, (list, tuple)):
        items = [to_plain_data(v, depth + 1) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        return {to_plain_data(k, depth + 1): to_plain_data(v, depth + 1) for k, v in value.items()}
    return Opaque(f"an object of type {type(value).__name__}")


def Opaque(description):
    """A stand-in for a value that cannot cross the boundary (kept as plain data)."""
    return {"__opaque__": str(description)[:200]}


def is_opaque(value):
    return isinstance(value, dict) and set(value) == {"__opaque__"}
