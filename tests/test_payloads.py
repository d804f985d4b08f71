"""InvokeEndpoint answers what the SageMaker SDK's serializers send (CSV, JSON, JSON Lines, NumPy .npy, raw
bytes) in the type its deserializers ask for, deterministically, marked simulated; over a served simulator
with real boto3, every answer walked against botocore's output shape."""

from __future__ import annotations

import ast
import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ircli.simulator.exceptions import ModelError
from ircli.simulator.models import Simulator
from ircli.simulator.sagemaker_runtime import payloads
from ircli.simulator.server import RunningServer, serve_in_thread
from ircli.simulator.store import Store
from tests.test_services import client
from tests.valid_requests import VALID_REQUESTS


def npy(descr: str, shape: tuple[int, ...], data: bytes, *, version: int = 1, fortran: bool = False) -> bytes:
    """A .npy file as NumPy's format description lays it out (written here, independently of the simulator)."""
    header = f"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape!r}, }}"
    width = 2 if version == 1 else 4
    total = 6 + 2 + width + len(header) + 1
    text = (header + " " * (-total % 64) + "\n").encode("latin-1")
    length = struct.pack("<H" if width == 2 else "<I", len(text))
    return b"\x93NUMPY" + bytes([version, 0]) + length + text + data


def read_npy(body: bytes) -> tuple[str, tuple[int, ...], list[float]]:
    """A float32 .npy answer read by hand: its dtype, shape and values."""
    assert body.startswith(b"\x93NUMPY\x01\x00")
    (length,) = struct.unpack("<H", body[8:10])
    assert (10 + length) % 64 == 0  # NumPy aligns the data on 64 bytes
    header = ast.literal_eval(body[10 : 10 + length].decode("latin-1"))  # a Python literal, as NumPy writes it
    data = body[10 + length :]
    assert set(header) == {"descr", "fortran_order", "shape"} and header["fortran_order"] is False
    return header["descr"], header["shape"], list(struct.unpack(f"<{len(data) // 4}f", data))


FLOATS = struct.pack("<6d", 1.5, 2, 3, 4, 5, 6)  # [[1.5, 2, 3], [4, 5, 6]] as NumpySerializer sends it


def test_a_numpy_array_is_read_row_by_row_and_answered_as_npy() -> None:
    answered = payloads.answer(npy("<f8", (2, 3), FLOATS), "application/x-npy", "application/x-npy")
    assert answered.content_type == "application/x-npy"
    descr, shape, values = read_npy(answered.body)
    assert descr == "<f4" and shape == (2,) and all(0 <= v < 1 for v in values)
    # One value per row, each from that row alone: the first row alone gets the first value.
    alone = payloads.answer(npy("<f8", (1, 3), FLOATS[:24]), "application/x-npy", "application/x-npy")
    assert read_npy(alone.body)[2] == values[:1]
    # The same array in Fortran order (columns first) is the same rows, so the same answer.
    columns = struct.pack("<6d", 1.5, 4, 2, 5, 3, 6)
    fortran = payloads.answer(npy("<f8", (2, 3), columns, fortran=True), "application/x-npy", "application/x-npy")
    assert fortran.body == answered.body
    # Format versions 2.0 and 3.0 have a four-byte header length.
    assert payloads.answer(npy("<f8", (2, 3), FLOATS, version=2), "application/x-npy", None).body == answered.body


@pytest.mark.parametrize(
    ("descr", "shape", "data", "rows"),
    [
        ("<i8", (3,), struct.pack("<3q", 1, 2, 3), 1),  # np.array([1, 2, 3]): one instance
        ("|b1", (2, 2), b"\x01\x00\x00\x01", 2),
        ("<U2", (1, 2), "a\0bc".encode("utf-32-le"), 1),
        ("<f4", (), struct.pack("<f", 3.0), 1),
        ("<f4", (2, 1, 2), struct.pack("<4f", 1, 2, 3, 4), 2),
    ],
    ids=["int64-vector", "bool-matrix", "unicode", "scalar", "three-axes"],
)
def test_the_dtypes_the_numpy_serializer_writes_are_read(
    descr: str, shape: tuple[int, ...], data: bytes, rows: int
) -> None:
    answered = payloads.answer(npy(descr, shape, data), "application/x-npy", "application/json")
    document = json.loads(answered.body)
    assert len(document["predictions"]) == rows and document["simulated"] is True


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"[1, 2]", "no .npy magic string"),
        (npy("|O", (1,), b"\x80\x04N."), "is not one the container reads (no pickled objects)"),
        (npy("<f8", (2, 3), FLOATS[:-8]), "40 bytes of data for shape (2, 3)"),
        (npy("<f8", (0, 3), b""), "empty NumPy array"),
        (b"\x93NUMPY\x01\x00\x08\x00__import", "a malformed header"),
        (npy("|S0", (10**9, 10**9), b""), "zero-size elements"),
        (npy("<f8", (10**12, 3), FLOATS), "48 bytes of data for shape (1000000000000, 3)"),
    ],
    ids=["json-body", "pickled-objects", "short-data", "empty", "not-a-literal", "zero-size", "huge-shape"],
)
def test_a_body_that_is_not_an_array_the_container_reads_is_a_model_error(body: bytes, why: str) -> None:
    with pytest.raises(ModelError) as refused:
        payloads.answer(body, "application/x-npy", None)
    assert refused.value.message.startswith('Received client error (400) from primary with message "')
    assert why in refused.value.message


def test_json_lines_csv_json_and_raw_bytes_each_answer_in_the_accept_type() -> None:
    lines = payloads.answer(b'{"a": 1}\n\n{"a": 2}\n', "application/jsonlines", None)
    assert lines.content_type == "application/jsonlines"
    documents = [json.loads(line) for line in lines.body.decode().splitlines()]
    assert len(documents) == 2 and all(d["simulated"] is True and 0 <= d["prediction"] < 1 for d in documents)
    as_csv = payloads.answer(b'{"a": 1}\n{"a": 2}\n', "application/jsonlines", "text/csv")
    assert as_csv.content_type == "text/csv"
    assert [float(v) for v in as_csv.body.split()] == [d["prediction"] for d in documents]
    # CSV rows answered as .npy, as the SDK's CSVSerializer with a NumpyDeserializer asks.
    _, shape, values = read_npy(payloads.answer(b"1,2\n3,4\n", "text/csv", "application/x-npy").body)
    assert shape == (2,) and [round(v, 6) for v in values] == [
        float(v) for v in payloads.answer(b"1,2\n3,4\n", "text/csv", None).body.split()
    ]
    # Raw bytes (an image) are one instance, answered as JSON unless asked otherwise.
    image = payloads.answer(b"\xff\xd8\xff\xe0 a jpeg", "image/jpeg", None)
    assert image.content_type == "application/json" and len(json.loads(image.body)["predictions"]) == 1
    octets = payloads.answer(b"\xff\xd8\xff\xe0 a jpeg", "image/jpeg", "application/octet-stream")
    assert struct.unpack("<f", octets.body)[0] == pytest.approx(json.loads(image.body)["predictions"][0], abs=1e-6)
    # A list of Accept types takes the first the container writes; one it writes none of is its 406.
    assert payloads.answer(b"1", "text/csv", "image/png, application/jsonlines").content_type == "application/jsonlines"
    with pytest.raises(ModelError, match=r"client error \(406\).*Accept type image/png is not supported"):
        payloads.answer(b"1", "text/csv", "image/png")


def test_answers_are_deterministic_and_follow_the_input() -> None:
    first = payloads.answer(npy("<f8", (2, 3), FLOATS), "application/x-npy", "text/csv")
    assert first == payloads.answer(npy("<f8", (2, 3), FLOATS), "application/x-npy", "text/csv")
    other = payloads.answer(npy("<f8", (2, 3), FLOATS[:-8] + struct.pack("<d", 7)), "application/x-npy", "text/csv")
    assert first.body.split()[0] == other.body.split()[0] and first.body.split()[1] != other.body.split()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    simulator = Simulator(Store(tmp_path / "served"), speed="instant")
    simulator.dispatch("CreateEndpointConfig", VALID_REQUESTS["CreateEndpointConfig"])
    simulator.dispatch("CreateEndpoint", VALID_REQUESTS["CreateEndpoint"])
    running, _ = serve_in_thread(simulator)
    yield running
    running.shutdown()


def invoke(runtime: Any, body: bytes, content_type: str, accept: str | None = None) -> tuple[str, bytes, Any]:
    extra = {"Accept": accept} if accept else {}
    answer = runtime.invoke_endpoint(EndpointName="endpoint-1", Body=body, ContentType=content_type, **extra)
    return answer["ContentType"], answer["Body"].read(), answer["ResponseMetadata"]["HTTPHeaders"]


def test_served_invocations_answer_every_format_boto3_sends(server: RunningServer) -> None:
    runtime = client(server, "sagemaker-runtime")
    content_type, body, headers = invoke(runtime, npy("<f8", (2, 3), FLOATS), "application/x-npy", "application/x-npy")
    assert content_type == "application/x-npy" and read_npy(body)[1] == (2,)
    assert headers["x-ircli-simulated"] == "true"  # the mark of an answer no model computed
    content_type, body, _ = invoke(runtime, b'{"x": [1]}\n{"x": [2]}\n{"x": [3]}\n', "application/jsonlines")
    assert content_type == "application/jsonlines" and len(body.splitlines()) == 3
    content_type, body, _ = invoke(runtime, b"\x00\x01\x02", "application/octet-stream", "text/csv")
    assert content_type == "text/csv" and len(body.split()) == 1
    with pytest.raises(runtime.exceptions.ModelError) as refused:
        invoke(runtime, b"not an array", "application/x-npy")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 424
