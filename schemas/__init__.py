"""The bundled JSON Schemas (draft 2020-12), one per request and per response of each operation ircli
uses or serves, stored per service (`<service>/<Operation>.<kind>.json`), generated from botocore's
service models by `tools/generate_schemas.py`.

Installed as the package `ircli.schemas`; read them with `load_schema`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ircli.operations import OperationKey, find

Kind = Literal["request", "response"]


def schema_filename(operation: str | OperationKey, kind: Kind) -> str:
    """The schema's path under this package: `sagemaker/CreateModel.request.json`."""
    key = find(operation).key
    return f"{key.service.value}/{key.name}.{kind}.json"


@cache
def load_schema(operation: str | OperationKey, kind: Kind) -> dict[str, Any]:
    """An operation's (its key, `service:Operation` or a name unique among the services) schema."""
    # Read beside this module (importlib.resources would cost the start-up of every command ~8 ms).
    text = (Path(__file__).parent / schema_filename(operation, kind)).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
