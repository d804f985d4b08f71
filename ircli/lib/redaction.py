"""Keeps credentials out of everything ircli prints: secrets are registered when resolved, and every
message, debug line and traceback passes through `redact` on its way out."""

from __future__ import annotations

_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    if value and len(value) >= 8:
        _secrets.add(value)


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, "****")
    return text
