"""Reading request documents safely: every bad input is an InputError (exit 252) with a clear message."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ircli.errors import InputError
from ircli.lib.inputs import MAX_INPUT_BYTES, DocumentFormat, load_document, parse_document

JSON, YAML = DocumentFormat.JSON, DocumentFormat.YAML


def load_bytes(data: bytes, fmt: DocumentFormat = YAML) -> object:
    return parse_document(data, fmt, "test input")


def refused(data: bytes, fmt: DocumentFormat = YAML) -> str:
    with pytest.raises(InputError) as raised:
        load_bytes(data, fmt)
    return raised.value.message


def test_path_file_url_stdin_and_inline(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("JobName: a\n")
    assert load_document(str(path), YAML) == {"JobName": "a"}
    assert load_document(f"file://{path}", YAML) == {"JobName": "a"}
    assert load_document("-", YAML, stdin=io.BytesIO(b"JobName: b\n")) == {"JobName": "b"}
    assert load_document('{"JobName": "c"}', JSON) == {"JobName": "c"}
    assert load_document("JobName: d", YAML) == {"JobName": "d"}


def test_python_tags_are_refused() -> None:
    assert "tags are not allowed" in refused(b"a: !!python/object/apply:os.system ['echo hi']\n")


def test_duplicate_keys_are_refused() -> None:
    assert "appears twice" in refused(b"a: 1\na: 2\n")
    assert "appears twice" in refused(b'{"a": 1, "a": 2}', JSON)


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 10):
        refs = ",".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    assert "aliases expand" in refused("\n".join(lines).encode())


def test_deep_nesting_is_refused() -> None:
    assert "nested" in refused(b'{"a": ' + b"[" * 100 + b"]" * 100 + b"}", JSON)
    assert "nested" in refused(
        ("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 100)) + "  " * 100 + "v: 1\n").encode()
    )


def test_nan_and_infinity_load_and_are_refused_by_path(cli: object) -> None:
    document = load_bytes(b'{"a": NaN, "b": [Infinity]}', JSON)
    assert isinstance(document, dict) and document["a"] != document["a"]
    result = cli("endpoint-config", "describe", "--cli-input-json", '{"EndpointConfigName": Infinity}', expect=252)  # type: ignore[operator]
    assert result.code == 252 and "EndpointConfigName: inf is not a string" in result.err


def test_huge_integers_do_not_crash() -> None:
    assert "not valid JSON" in refused(b'{"a": ' + b"9" * 5000 + b"}", JSON)
    assert load_bytes(b'{"a": ' + b"9" * 18 + b"}", JSON) == {"a": int("9" * 18)}
    # Wider than any member takes: refused by path before anything tries to print it.
    assert "a is an integer of 133 bits" in refused(b'{"a": ' + b"9" * 40 + b"}", JSON)
    assert "is an integer of 80,000 bits" in refused(b"a: 0x" + b"f" * 20000 + b"\n")


def test_encodings_and_boms() -> None:
    assert load_bytes("\ufeffJobName: a\n".encode()) == {"JobName": "a"}
    assert load_bytes("JobName: ü\n".encode("utf-16")) == {"JobName": "ü"}
    assert "not UTF-8" in refused("JobName: ü\n".encode("latin-1"))
    assert "NUL" in refused(b"JobName: a\x00\n")


def test_empty_and_non_mapping_documents() -> None:
    assert "empty" in refused(b"")
    assert "empty" in refused(b"   \n", JSON)
    assert "holds a list" in refused(b"- a\n- b\n")
    assert "holds a str" in refused(b"just text")


def test_yaml_dates_stay_text() -> None:
    assert load_bytes(b"CreationTimeAfter: 2024-01-01\n") == {"CreationTimeAfter": "2024-01-01"}


def test_directories_missing_files_and_size(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        load_document(str(tmp_path), YAML)
    with pytest.raises(InputError, match="no such file"):
        load_document(str(tmp_path / "absent.yaml"), YAML)
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(MAX_INPUT_BYTES + 1)
    with pytest.raises(InputError, match="limited to"):
        load_document(str(big), JSON)


def test_syntax_errors_name_the_place() -> None:
    assert "line 2, column 4" in refused(b"a: 1\nb: ]\n")
    assert "line 1, column 7" in refused(b'{"a": }', JSON)
