"""Pagination tokens: a small JSON object in URL-safe base64, opaque to the user. The service layer's
`--starting-token` and the simulator's `NextToken` both use this codec; each checks its own members."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any


class BadToken(ValueError):
    """The text is not a token this codec wrote."""


def encode_token(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


def decode_token(token: str) -> dict[str, Any]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError, UnicodeEncodeError):
        raise BadToken(token) from None
    if not isinstance(data, dict):
        raise BadToken(token)
    return data
