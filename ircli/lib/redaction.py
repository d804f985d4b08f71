"""Keeps credentials out of everything ircli prints: secrets are registered when resolved, the userinfo of
any URL (`http://user:password@host`) is masked wherever it appears, and every message, debug line and
traceback passes through `redact` on its way out."""

from __future__ import annotations

import re

_secrets: set[str] = set()
MASK = "****"
# scheme://userinfo@ : the userinfo runs to the authority's last "@" (a password may hold an unescaped "@").
# Compiled when first needed: only an error is redacted, and starting up stays fast.
_URL_USERINFO = r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s?#'\"<>]*@"


def register_secret(value: str | None) -> None:
    if value and len(value) >= 8:
        _secrets.add(value)


def register_url(url: str | None) -> str | None:
    """Registers the userinfo of a URL ircli was given and returns the URL: its password never appears in a
    message, even where a message shows it without the scheme or decoded."""
    if url:
        from urllib.parse import unquote

        authority = re.split(r"[/?#]", url.split("://", 1)[-1], maxsplit=1)[0]  # a scheme may be missing
        userinfo, at, _ = authority.rpartition("@")
        if at and userinfo:
            _secrets.add(userinfo)  # `user:password` is distinctive at any length
            _, _, password = userinfo.partition(":")
            for value in {password, unquote(password), unquote(userinfo)}:
                register_secret(value)
    return url


def redact(text: str) -> str:
    text = re.sub(_URL_USERINFO, lambda match: f"{match[1]}{MASK}@", text)
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
