"""The payloads a load test sends, in turn: the files of a sample-payload archive (the same `.tar.gz` a
job's SamplePayloadUrl names), of a folder, or one file, with their content type."""

from __future__ import annotations

import tarfile
from dataclasses import dataclass
from pathlib import Path

from ircli.errors import InputError

MAX_PAYLOAD_BYTES = 6 * 1024 * 1024  # InvokeEndpoint's limit
MAX_PAYLOADS = 1000
MAX_TOTAL_BYTES = 64 * 1024 * 1024
BY_SUFFIX = {".csv": "text/csv", ".json": "application/json", ".jsonl": "application/jsonlines", ".txt": "text/plain"}


@dataclass(frozen=True)
class Payloads:
    bodies: tuple[bytes, ...]
    content_type: str
    source: str


def _check(name: str, body: bytes, total: int) -> None:
    if len(body) > MAX_PAYLOAD_BYTES:
        raise InputError(f"The payload {name} has {len(body):,} bytes; InvokeEndpoint takes at most 6 MB.")
    if total > MAX_TOTAL_BYTES:
        raise InputError("The payloads add up to more than 64 MiB; ircli keeps them in memory. Use fewer.")


def _from_archive(path: Path) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    total = 0
    try:
        with tarfile.open(path, "r:*") as archive:
            for member in sorted(archive.getmembers(), key=lambda m: m.name):
                if not member.isfile() or Path(member.name).name.startswith("."):
                    continue
                handle = archive.extractfile(member)
                body = handle.read(MAX_PAYLOAD_BYTES + 1) if handle else b""
                total += len(body)
                _check(member.name, body, total)
                found.append((member.name, body))
                if len(found) >= MAX_PAYLOADS:
                    break
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(f"Cannot read the payload archive {path}: {exc}.") from None
    return found


def _from_folder(path: Path) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    total = 0
    for file in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
        body = file.read_bytes()
        total += len(body)
        _check(str(file), body, total)
        found.append((file.name, body))
        if len(found) >= MAX_PAYLOADS:
            break
    return found


def load_payloads(source: str, content_type: str | None) -> Payloads:
    path = Path(source).expanduser()
    if not path.exists():
        raise InputError(f"No payload at {source}.", hint="Give a sample-payload .tar.gz, a folder or a file.")
    if path.is_dir():
        found = _from_folder(path)
    elif tarfile.is_tarfile(path):
        found = _from_archive(path)
    else:
        body = path.read_bytes()
        _check(str(path), body, len(body))
        found = [(path.name, body)]
    if not found:
        raise InputError(f"{source} holds no payload file.")
    if content_type is None:
        guesses = {BY_SUFFIX.get(Path(name).suffix.lower()) for name, _ in found}
        if len(guesses) != 1 or None in guesses:
            raise InputError(
                "Say the payloads' content type.",
                hint="Give --content-type (e.g. text/csv), or a request file with PayloadConfig.SupportedContentTypes.",
            )
        content_type = str(guesses.pop())
    return Payloads(tuple(body for _, body in found), content_type, source)
