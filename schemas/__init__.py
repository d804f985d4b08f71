"""The bundled JSON Schemas (draft 2020-12), one per request and per response of each operation ircli
uses, generated from botocore's `sagemaker` service model by `tools/generate_schemas.py`.

Installed as the package `ircli.schemas`; read them with `load_schema`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Literal

Kind = Literal["request", "response"]


def schema_filename(operation: str, kind: Kind) -> str:
    return f"{operation}.{kind}.json"


@cache
def load_schema(operation: str, kind: Kind) -> dict[str, Any]:
    text = resources.files(__name__).joinpath(schema_filename(operation, kind)).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
