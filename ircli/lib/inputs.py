"""Reading request documents: `--cli-input-json` / `--cli-input-yaml` values, `ircli schema validate`.

A value is a path, `file://path`, `-` for standard input, or an inline document. Documents are read as
UTF-8 (a BOM is dropped; UTF-16 with a BOM is accepted), must be a mapping at the top, and are loaded
defensively: YAML through the safe loader with no Python tags, no implicit timestamps, duplicate keys
rejected and alias expansion bounded; JSON with duplicate keys rejected. NaN and Infinity load as floats, and
validation refuses them by path.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import IO, Any

from ircli.errors import InputError

MAX_INPUT_BYTES = 10 * 1024 * 1024
# Expanded node count above which a YAML document is refused (aliases can make a small file huge).
MAX_YAML_NODES = 100_000
MAX_DEPTH = 64
# The largest legal request (10 configurations with 5 parameter ranges each, 10 phases, 50 tags) holds
# about 2,000 values; a document with far more separators than that is refused before it is parsed, so
# that a 10 MiB list cannot cost seconds of parsing and hundreds of MB of memory.
MAX_SEPARATORS = 100_000


class DocumentFormat(str, Enum):
    JSON = "json"
    YAML = "yaml"


def read_source(value: str, *, stdin: IO[bytes] | None = None) -> tuple[bytes, str]:
    """Return the raw bytes a value refers to and a label for messages. Inline text is returned as is."""
    if value == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return _bounded_read(stream, "standard input"), "standard input"
    if value.startswith("file://"):
        return _read_path(Path(value[len("file://") :])), _shortened(value)
    stripped = value.lstrip()
    if stripped[:1] in ("{", "[") or "\n" in value or ": " in value:
        data = value.encode("utf-8")
        if len(data) > MAX_INPUT_BYTES:
            raise InputError(f"The inline document is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB.")
        return data, "the inline document"
    return _read_path(Path(value)), _shortened(value)


def _shortened(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else f"{text[: limit // 2 - 2]}...{text[-(limit // 2 - 1) :]}"


def _read_path(path: Path) -> bytes:
    label = _shortened(str(path))
    try:
        is_directory = path.is_dir()
        is_file = path.is_file()
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{label}: no such file. Give a path, file://path, - for stdin, or a document.") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise InputError(f"{label} cannot be read: {getattr(exc, 'strerror', None) or exc}.") from None
    if is_directory:
        raise InputError(f"{label} is a directory; give the path of a JSON or YAML file.")
    if not is_file:  # a device, a FIFO or a socket could block or never end
        raise InputError(f"{label} is not a regular file; give the path of a JSON or YAML file, or - for stdin.")
    if size > MAX_INPUT_BYTES:
        raise InputError(
            f"{label} is {size / (1024 * 1024):.1f} MiB; request documents are limited to "
            f"{MAX_INPUT_BYTES // (1024 * 1024)} MiB."
        )
    try:
        with path.open("rb") as handle:
            return _bounded_read(handle, label)
    except PermissionError:
        raise InputError(f"{label} cannot be read: permission denied.") from None
    except OSError as exc:
        raise InputError(f"{label} cannot be read: {exc.strerror or exc}.") from None


def _bounded_read(stream: IO[bytes], label: str) -> bytes:
    data = stream.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{label} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB.")
    return data


def decode_text(data: bytes, label: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{label} starts with a UTF-16 mark but is not valid UTF-16.") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{label} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 and try again."
        ) from None
    if "\x00" in text:
        raise InputError(f"{label} contains NUL characters; it does not look like a text document.")
    return text


def load_document(value: str, fmt: DocumentFormat, *, stdin: IO[bytes] | None = None) -> dict[str, Any]:
    data, label = read_source(value, stdin=stdin)
    return parse_document(data, fmt, label)


def parse_document(data: bytes, fmt: DocumentFormat, label: str) -> dict[str, Any]:
    document = parse_value(data, fmt, label, expected=f"a request document is a {fmt.value.upper()} mapping")
    if not isinstance(document, dict):
        kind = type(document).__name__
        raise InputError(f"{label} holds a {kind}, but a request document must be a mapping of member names.")
    return document


def parse_value(data: bytes, fmt: DocumentFormat, label: str, *, expected: str) -> Any:
    """Any JSON or YAML value, within the same bounds as a request document (`expected` says what the
    caller wants, for the message about an empty input)."""
    text = decode_text(data, label)
    if not text.strip():
        raise InputError(f"{label} is empty; {expected}.")
    check_separators(text, label)
    document = _parse_json(text, label) if fmt is DocumentFormat.JSON else _parse_yaml(text, label)
    _check_depth(document, label)
    return document


def check_separators(text: str, label: str) -> None:
    separators = text.count(",") + text.count("\n")
    if separators > MAX_SEPARATORS:
        raise InputError(
            f"{label} holds {separators:,} items or lines, far more than any request has (at most "
            f"{MAX_SEPARATORS:,} are read); refusing to parse it."
        )


def detect_format(path: str) -> DocumentFormat:
    return DocumentFormat.JSON if path.lower().endswith(".json") else DocumentFormat.YAML


def _parse_json(text: str, label: str) -> Any:
    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, item in pairs:
            if key in result:
                raise InputError(f"{label}: the key {key!r} appears twice in one object.")
            result[key] = item
        return result

    try:
        # NaN and Infinity load as floats, so that validation names where they stand.
        return json.loads(text, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as exc:
        raise InputError(f"{label} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from None
    except RecursionError:
        raise InputError(f"{label} is nested too deeply to be a request.") from None
    except ValueError as exc:  # e.g. an integer longer than Python's digit limit
        raise InputError(f"{label} is not valid JSON: {exc}.") from None


def _yaml_loader() -> type:
    import yaml

    # libyaml's parser when PyYAML has it (it does in the published wheels): the pure-Python one takes
    # tens of seconds on megabytes.
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictSafeLoader(base):  # type: ignore[misc, valid-type]
        """SafeLoader without implicit timestamps and with duplicate keys refused."""

    StrictSafeLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(loader: Any, node: Any, deep: bool = False) -> dict[Any, Any]:
        loader.flatten_mapping(node)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                ) from None
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return dict(yaml.SafeLoader.construct_mapping(loader, node, deep=deep))

    StrictSafeLoader.add_constructor("tag:yaml.org,2002:map", construct_mapping)
    return StrictSafeLoader


def _expanded_size(node: Any, memo: dict[int, int], depth: int = 0) -> int:
    if depth > MAX_DEPTH * 4:
        return MAX_YAML_NODES + 1
    known = memo.get(id(node))
    if known is not None:
        return known
    memo[id(node)] = 1  # guards against recursive aliases while this node is being measured
    size = 1
    value = node.value
    if isinstance(value, list):
        for item in value:
            children = item if isinstance(item, tuple) else (item,)
            for child in children:
                size += _expanded_size(child, memo, depth + 1)
                if size > MAX_YAML_NODES:
                    break
    memo[id(node)] = size
    return size


def _check_yaml_events(text: str, label: str) -> None:
    """Walk the parser's events (libyaml's parser keeps its own stack) before anything is composed: the
    composer recurses once per level, and a document nested 100,000 deep would overflow the C stack."""
    import yaml

    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(f"{label} is nested more than {MAX_DEPTH} levels deep; no request is that deep.")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        if count > 2 * MAX_SEPARATORS:
            raise InputError(f"{label} holds more than {MAX_SEPARATORS:,} values; refusing to load it.")


def _parse_yaml(text: str, label: str) -> Any:
    import yaml

    loader = None
    try:
        _check_yaml_events(text, label)
        loader = _yaml_loader()(text)  # the reader checks the characters as it is built
        node = loader.get_single_node()
        if node is None:
            raise InputError(f"{label} is empty; a request document is a YAML mapping.")
        if _expanded_size(node, {}) > MAX_YAML_NODES:
            raise InputError(f"{label}: YAML aliases expand it past {MAX_YAML_NODES:,} values; refusing to load it.")
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "unreadable YAML"
        if "could not determine a constructor" in problem:
            problem = "Python object tags and other custom tags are not allowed"
        raise InputError(f"{label} is not valid YAML: {problem}{where}.", hint=_tab_hint(text, mark)) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{label} is not valid YAML: {exc}.") from None
    except RecursionError:
        raise InputError(f"{label} is nested too deeply to be a request.") from None
    except ValueError as exc:
        raise InputError(f"{label} is not valid YAML: {exc}.") from None
    finally:
        if loader is not None:
            loader.dispose()


def _tab_hint(text: str, mark: Any) -> str | None:
    """YAML indents with spaces only; a tab on the line the parser stopped at is almost always the cause,
    whatever words the parser chose ("found character that cannot start any token")."""
    if mark is None:
        return None
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    if "\t" not in line[: mark.column + 1]:
        return None
    return f"Line {mark.line + 1} has a tab: YAML indents with spaces only. Replace the tab with spaces."


# No member takes an integer wider than 64 bits (the schemas bound every integer); wider ones (YAML's
# `0x` and `0b` forms have no digit limit) are refused here, before anything tries to print them.
MAX_INTEGER_BITS = 64


def _check_depth(document: Any, label: str) -> None:
    from ircli.errors import format_path

    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(document, 0, ())]
    while stack:
        item, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(f"{label} is nested more than {MAX_DEPTH} levels deep; no request is that deep.")
        if isinstance(item, dict):
            stack.extend((child, depth + 1, (*path, str(key))) for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((child, depth + 1, (*path, index)) for index, child in enumerate(item))
        elif isinstance(item, int) and item.bit_length() > MAX_INTEGER_BITS:
            raise InputError(
                f"{label}: {format_path(path) or 'the document'} is an integer of {item.bit_length():,} bits; "
                f"no member takes more than {MAX_INTEGER_BITS}."
            )
