"""The wire format between the trusted parent and a sandboxed child, both directions.

A message is a u32 length of a JSON header, the header, then the blobs whose lengths the header
lists under "blobs". Arrays travel as .npy bytes (``np.save``, never pickle). Whatever a child
sends is untrusted: ``split_frames`` parses it frame by frame and stops quietly at the first
malformed one, ``bytes_to_array`` checks a .npy header against its data before allocating, and
``decode_value`` turns a description back into a value without running anything.

Standard library and numpy only: the zygote loads this module by path.
"""
import io
import json
import re
import struct

import numpy as np

# ---------------------------------------------------------------------------------------------
# Wire format, both directions: u32 length of a JSON header, the header, then the blobs whose
# lengths the header lists under "blobs". Arrays travel as .npy bytes (np.save, no pickle).

_LEN = struct.Struct("<I")
MAX_HEADER_BYTES = 1 << 20


def pack_message(header, blobs=()):
    """header: JSON-ready dict; blobs: bytes-like objects. -> the message as bytes."""
    blobs = [bytes(b) for b in blobs]
    header = dict(header, blobs=[len(b) for b in blobs])
    head = json.dumps(header).encode()
    return b"".join([_LEN.pack(len(head)), head, *blobs])


def read_exact(stream, n):
    """Read exactly n bytes from a binary stream; None at a clean end of stream."""
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            if got == 0:
                return None
            raise EOFError(f"stream ended after {got} of {n} bytes")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_message(stream):
    """One message from a trusted stream -> (header, blobs), or None at end of stream."""
    size = read_exact(stream, _LEN.size)
    if size is None:
        return None
    (n,) = _LEN.unpack(size)
    header = json.loads(read_exact(stream, n))
    blobs = [read_exact(stream, k) for k in header.get("blobs", [])]
    return header, blobs


def split_frames(data, max_frames=10_000):
    """Parse a stream of messages written by untrusted code.

    Returns the list of (header, blobs) that parse; stops quietly at the first frame that is
    truncated or malformed (a child killed mid-write, or a student writing to the pipe).
    """
    frames, pos, view = [], 0, memoryview(data)
    while pos + _LEN.size <= len(data) and len(frames) < max_frames:
        (n,) = _LEN.unpack_from(data, pos)
        if n > MAX_HEADER_BYTES or pos + _LEN.size + n > len(data):
            break
        try:
            header = json.loads(bytes(view[pos + _LEN.size:pos + _LEN.size + n]))
            lengths = header.get("blobs", []) if isinstance(header, dict) else None
            if not isinstance(lengths, list) or not all(type(k) is int and k >= 0 for k in lengths):
                break
        except Exception:  # ValueError, RecursionError, MemoryError: a malformed frame ends the stream
            break
        pos += _LEN.size + n
        if pos + sum(lengths) > len(data):
            break
        blobs = []
        for k in lengths:
            blobs.append(bytes(view[pos:pos + k]))
            pos += k
        frames.append((header, blobs))
    return frames


def array_to_bytes(a):
    """a: any non-object ndarray -> its .npy bytes."""
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return buf.getvalue()


_SAFE_KINDS = set("biufcSU")
# The header np.save writes: {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }
_NPY_HEADER = re.compile(r"\{'descr': '([<>|=]?[a-zA-Z]\d*)', 'fortran_order': (True|False), "
                         r"'shape': \(((?:\d+, )*\d*|\d+,)\), \}\s*")


def _npy_header(data):
    """(shape, fortran_order, dtype, offset of the data) of .npy bytes, without allocating."""
    if data[:6] != b"\x93NUMPY" or len(data) < 10:
        raise ValueError("not .npy data")
    major = data[6]
    if major == 1:
        (length,), start = struct.unpack_from("<H", data, 8), 10
    elif major in (2, 3):
        (length,), start = struct.unpack_from("<I", data, 8), 12
    else:
        raise ValueError(f"unsupported .npy version {major}")
    if length > 10_000 or start + length > len(data):
        raise ValueError("malformed .npy header")
    text = data[start:start + length].decode("latin1")
    match = _NPY_HEADER.fullmatch(text)
    if match:  # what np.save writes: read without a parser
        descr, fortran, shape_text = match.groups()
        shape = tuple(int(k) for k in shape_text.replace(",", " ").split())
        dtype = np.dtype(descr)
        fortran = fortran == "True"
    else:  # anything else np.save might write: numpy's own (literal_eval) reader
        f = io.BytesIO(data)
        version = np.lib.format.read_magic(f)
        reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = reader(f)
    return shape, fortran, dtype, start + length


def bytes_to_array(data, max_bytes=1 << 28):
    """.npy bytes (np.save, from anywhere, trusted or not) -> a new ndarray, or ValueError.

    Never unpickles (object dtypes are refused, as np.load(allow_pickle=False) refuses them) and
    checks the header against the data before allocating anything: a forged shape cannot ask
    for terabytes. Only plain numeric or string dtypes.
    """
    try:
        shape, fortran, dtype, offset = _npy_header(bytes(data[:20_000]))
    except Exception:  # whatever numpy's header parser raises (RecursionError too) is a bad array
        raise ValueError("not a valid .npy array") from None
    if dtype.hasobject or dtype.kind not in _SAFE_KINDS or dtype.fields is not None:
        raise ValueError(f"arrays of dtype {dtype} are not accepted")
    if any(type(k) is not int or k < 0 for k in shape):
        raise ValueError(f"bad array shape {shape}")
    count = 1
    for k in shape:
        count *= k
    nbytes = count * dtype.itemsize
    if nbytes > max_bytes or nbytes != len(data) - offset:
        raise ValueError(f"array data does not match its header (shape {shape}, dtype {dtype})")
    flat = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
    return flat.reshape(shape, order="F" if fortran else "C").copy(order="K")


def raw_array(desc, blob):
    """An array sent by the trusted parent as raw bytes: desc {"dtype", "shape"}."""
    dtype = np.dtype(desc["dtype"])
    return np.frombuffer(blob, dtype=dtype).reshape(desc["shape"])


# ---------------------------------------------------------------------------------------------
# Values the student's code returned -> JSON header entries + blobs, and back.

MAX_OUTPUT_ARRAY_BYTES = 1 << 24


def encode_value(value, blobs):
    """One output value (anything the student's code returned) -> a JSON-ready description.

    ndarrays and numpy scalars become .npy blobs; JSON-able Python values travel as JSON;
    anything else as its type name and a short repr, so that the parent can say what it was.
    """
    if isinstance(value, np.ndarray) and not value.dtype.hasobject:
        nbytes = value.size * value.dtype.itemsize
        if nbytes > MAX_OUTPUT_ARRAY_BYTES:
            return {"type": "too_big", "shape": list(value.shape), "dtype": str(value.dtype),
                    "nbytes": int(nbytes)}
        blobs.append(array_to_bytes(np.asarray(value)))
        return {"type": "ndarray", "blob": len(blobs) - 1, "class": type(value).__name__}
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        blobs.append(array_to_bytes(np.asarray(value)))
        return {"type": "scalar", "blob": len(blobs) - 1}
    if value is None or type(value) in (bool, int, float, str):
        if type(value) is str:
            value = value[:20_000]
        return {"type": "json", "value": value}
    if type(value) in (list, tuple) and _plain_sequence(value):
        return {"type": type(value).__name__, "value": value}
    try:
        text = repr(value)[:200]
    except Exception:
        text = "<unprintable>"
    kind = type(value)
    return {"type": "object", "class": getattr(kind, "__name__", "object"),
            "module": getattr(kind, "__module__", None), "repr": text}


def _plain_sequence(value, budget=None):
    """True for (nested) lists/tuples of at most 100,000 bools, ints, floats, None."""
    budget = budget if budget is not None else [100_000]
    for item in value:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        if type(item) in (list, tuple):
            if not _plain_sequence(item, budget):
                return False
        elif not (item is None or type(item) in (bool, int, float)):
            return False
    return True


class ForeignObject:
    """Stands in, in the trusted parent, for an object the student's code returned that is not
    an array or a plain value. ``type(x).__name__`` is the student's class name."""

    _repr = "<object>"

    def __repr__(self):
        return self._repr


def decode_value(desc, blobs):
    """The inverse of encode_value, for descriptions that came from untrusted code."""
    if not isinstance(desc, dict):
        raise ValueError("malformed output description")
    kind = desc.get("type")
    if kind in ("ndarray", "scalar"):
        index = desc.get("blob")
        if type(index) is not int or not 0 <= index < len(blobs):
            raise ValueError("malformed output description")
        array = bytes_to_array(blobs[index])
        return array[()] if kind == "scalar" else array
    if kind == "json":
        value = desc.get("value")
        if not (value is None or type(value) in (bool, int, float, str)):
            raise ValueError("malformed output description")
        return value
    if kind in ("list", "tuple"):
        value = desc.get("value")
        if not isinstance(value, list):
            raise ValueError("malformed output description")
        return value if kind == "list" else tuple(value)
    if kind == "object":
        name = str(desc.get("class"))[:100]
        if not name.isidentifier():
            name = "object"
        text = "".join(c if c.isprintable() else "\ufffd" for c in str(desc.get("repr"))[:200])
        stand_in = type(name, (ForeignObject,), {"_repr": text})
        return stand_in()
    raise ValueError(f"unknown output type {kind!r}")
