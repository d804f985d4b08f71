"""What a simulated endpoint's container reads and writes: the payload formats the SageMaker SDK's
serializers send and its deserializers ask for.

There is no model behind a simulated endpoint, so an answer is SIMULATED, not a prediction: one value in
[0, 1) per instance of the request, each a hash of that instance's bytes (the same request always gets
the same answer). The served answer carries `x-ircli-simulated: true`; JSON and JSON Lines answers say
`"simulated": true` in their documents too.

Read (by the request's `Content-Type`): `text/csv` (and `text/plain`), one instance per non-empty row;
`application/json`, one per item of a list body (or of its "instances" / "inputs" list), else one;
`application/jsonlines`, one per non-empty line, each a JSON document; `application/x-npy` (NumPy's .npy
format, as `NumpySerializer` writes it: version 1-3 headers, bool, integer, float, bytes and unicode
dtypes, C or Fortran order), one per row of the first axis (one for a 0- or 1-dimensional array); any
other type, the whole body as one instance of raw bytes.

Written (by `Accept`, else the request's own type; raw bytes are answered as JSON): CSV, one value a
line; JSON `{"predictions": [...], "simulated": true}`; JSON Lines `{"prediction": v, "simulated": true}`
a line; .npy, a 1-dimensional little-endian float32 array (`NumpyDeserializer` loads it);
`application/octet-stream`, the float32 values' bytes. A body the container cannot read, or an Accept
type it cannot write, is its 4xx, which the runtime passes on as a ModelError (424).
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
import re
import struct
from dataclasses import dataclass
from typing import Any

from ircli.simulator.exceptions import ModelError, SimulatorError

CSV, JSON, JSON_LINES, NPY, RAW = "text/csv", "application/json", "application/jsonlines", "application/x-npy", "raw"
OCTETS = "application/octet-stream"
FAMILIES = {
    "text/csv": CSV,
    "text/plain": CSV,
    "application/json": JSON,
    "application/jsonlines": JSON_LINES,
    "application/jsonl": JSON_LINES,
    "application/x-jsonlines": JSON_LINES,
    "application/x-npy": NPY,
}
NPY_MAGIC = b"\x93NUMPY"
# The dtypes NumPy writes for the arrays the SDK's serializers make (np.array of numbers, booleans, text).
NPY_KINDS = re.compile(r"^(?P<order>[<>|=])(?P<kind>[biufSU])(?P<size>\d+)$")


@dataclass(frozen=True)
class Answer:
    body: bytes
    content_type: str


def score(data: bytes) -> float:
    """A deterministic stand-in for a model's output: a value in [0, 1) from the input's bytes."""
    return int.from_bytes(hashlib.sha256(data).digest()[:6], "big") / float(1 << 48)


def container_refused(why: str, status: int = 400) -> SimulatorError:
    """The container's 4xx on a body it cannot read, as the runtime passes it on (424 ModelError)."""
    return ModelError(f'Received client error ({status}) from primary with message "{why} (simulated container).".')


def family(content_type: str | None) -> str:
    base = (content_type or "").split(";", 1)[0].strip().lower()
    return FAMILIES.get(base, RAW)


def answer(body: bytes, content_type: str | None, accept: str | None) -> Answer:
    """The simulated container's answer to one request body."""
    given = family(content_type)
    values = instances_scored(body, given)
    return write(values, _wanted(accept, given))


def _wanted(accept: str | None, given: str) -> str:
    """The first Accept type the container writes (`*/*` or none: the request's own type; raw: JSON)."""
    own = JSON if given == RAW else given
    if not accept:
        return own
    asked = [part.split(";", 1)[0].strip().lower() for part in accept.split(",") if part.strip()]
    for media in asked:
        if media in ("*/*", "application/*") or not media:
            return own
        if media in FAMILIES:
            return FAMILIES[media]
        if media == OCTETS:
            return OCTETS
    raise container_refused(f"Accept type {accept} is not supported", status=406)


def write(values: list[float], wanted: str) -> Answer:
    rounded = [round(v, 6) for v in values]
    if wanted == CSV:
        return Answer(("\n".join(f"{v:.6f}" for v in rounded) + "\n").encode(), CSV)
    if wanted == JSON_LINES:
        lines = (json.dumps({"prediction": v, "simulated": True}) for v in rounded)
        return Answer(("\n".join(lines) + "\n").encode(), JSON_LINES)
    if wanted == NPY:
        return Answer(npy_bytes(rounded), NPY)
    if wanted == OCTETS:
        return Answer(struct.pack(f"<{len(rounded)}f", *rounded), OCTETS)
    return Answer(json.dumps({"predictions": rounded, "simulated": True}).encode(), JSON)


# -- reading ----------------------------------------------------------------------------------------------


def instances_scored(body: bytes, given: str) -> list[float]:
    if given == CSV:
        rows = [row for row in body.splitlines() if row.strip()]
        return [score(row) for row in rows] or [score(body)]
    if given == JSON:
        return _json_scored(body)
    if given == JSON_LINES:
        lines = [line for line in body.splitlines() if line.strip()]
        for line in lines:
            _json_document(line, "JSON Lines")
        return [score(line.strip()) for line in lines] or [score(body)]
    if given == NPY:
        return [score(row) for row in npy_rows(body)]
    return [score(body)]


def _json_document(body: bytes, what: str = "JSON") -> Any:
    try:
        return json.loads(body.decode("utf-8")) if body.strip() else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        # A JSON container refuses a body it cannot parse; the runtime passes that on as a ModelError.
        raise container_refused(f"Unable to parse the request body as {what}") from None
    except RecursionError:
        raise container_refused(
            "The request body nests JSON arrays or objects deeper than the container reads"
        ) from None
    except ValueError:  # Python reads integers of at most 4300 digits (sys.get_int_max_str_digits)
        raise container_refused("The request body holds a JSON number too long for the container to read") from None


def _json_scored(body: bytes) -> list[float]:
    document = _json_document(body)
    instances = document
    if isinstance(document, dict):
        instances = document.get("instances", document.get("inputs", document))
    if isinstance(instances, list) and instances:
        return [score(json.dumps(item, sort_keys=True).encode()) for item in instances]
    return [score(body)]


@dataclass(frozen=True)
class NpyHeader:
    descr: str
    fortran_order: bool
    shape: tuple[int, ...]
    offset: int  # where the data starts

    @property
    def itemsize(self) -> int:
        match = NPY_KINDS.match(self.descr)
        assert match is not None
        return int(match["size"]) * (4 if match["kind"] == "U" else 1)


def npy_header(body: bytes) -> NpyHeader:
    """The header of a .npy body (versions 1.0, 2.0 and 3.0), or the container's refusal."""
    if not body.startswith(NPY_MAGIC) or len(body) < 10:
        raise container_refused("Unable to parse the request body as NumPy .npy (no .npy magic string)")
    major = body[6]
    if major not in (1, 2, 3):
        raise container_refused(f"Unable to parse the request body as NumPy .npy (format version {major})")
    width = 2 if major == 1 else 4
    (length,) = struct.unpack("<H" if width == 2 else "<I", body[8 : 8 + width])
    start = 8 + width
    text = body[start : start + length].decode("utf-8" if major == 3 else "latin-1", errors="replace")
    try:
        header = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        header = None
    if not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}:
        raise container_refused("Unable to parse the request body as NumPy .npy (a malformed header)")
    descr, order, shape = header["descr"], header["fortran_order"], header["shape"]
    kind = NPY_KINDS.match(descr) if isinstance(descr, str) else None
    if kind is None:
        raise container_refused(f"NumPy dtype {descr!r} is not one the container reads (no pickled objects)")
    if int(kind["size"]) == 0:
        # Zero-size elements would let a tiny body claim any number of rows.
        raise container_refused(f"NumPy dtype {descr!r} is not one the container reads (zero-size elements)")
    if not isinstance(order, bool) or not isinstance(shape, tuple):
        raise container_refused("Unable to parse the request body as NumPy .npy (a malformed header)")
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise container_refused("Unable to parse the request body as NumPy .npy (a malformed shape)")
    return NpyHeader(descr, order, shape, start + length)


def npy_rows(body: bytes) -> list[bytes]:
    """A .npy array's rows along its first axis, each as its elements' bytes in C order (the whole array
    for a 0- or 1-dimensional one)."""
    header = npy_header(body)
    size = header.itemsize
    count = math.prod(header.shape)
    data = body[header.offset :]
    if len(data) != count * size:
        raise container_refused(
            f"Unable to parse the request body as NumPy .npy ({len(data)} bytes of data for shape {header.shape})"
        )
    if count == 0:
        raise container_refused("The request body is an empty NumPy array")
    if len(header.shape) < 2:
        return [data]
    rows, per_row = header.shape[0], count // header.shape[0]
    if not header.fortran_order:
        return [data[i * per_row * size : (i + 1) * per_row * size] for i in range(rows)]
    # Fortran order keeps the first axis fastest: row i's elements are `rows` elements apart.
    return [
        b"".join(data[(i + rows * j) * size : (i + rows * j + 1) * size] for j in range(per_row)) for i in range(rows)
    ]


# -- writing ----------------------------------------------------------------------------------------------


def npy_bytes(values: list[float]) -> bytes:
    """A 1-dimensional little-endian float32 array in .npy format version 1.0 (header padded to 64 bytes)."""
    header = f"{{'descr': '<f4', 'fortran_order': False, 'shape': ({len(values)},), }}"
    padding = 64 - (len(NPY_MAGIC) + 2 + 2 + len(header) + 1) % 64
    text = (header + " " * (padding % 64) + "\n").encode("latin-1")
    return NPY_MAGIC + b"\x01\x00" + struct.pack("<H", len(text)) + text + struct.pack(f"<{len(values)}f", *values)
