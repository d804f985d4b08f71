"""Generate the bundled JSON Schemas from botocore's service models (sagemaker, sagemaker-runtime, logs,
application-autoscaling).

Run `python tools/generate_schemas.py` to rewrite the files in `schemas/`;
`--check` exits 1 when the committed files differ from what the installed botocore model gives.

Each operation gets `<service>/<Operation>.request.json` and `<service>/<Operation>.response.json`: draft 2020-12, one
`$defs` entry per model shape, every constraint the model states (required members, types, ranges,
lengths, item counts, enums, patterns), no unknown members, and the documentation strings as
descriptions.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path
from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

# Smithy's `integer` is a 32-bit and `long` a 64-bit signed number; the service rejects anything wider
# even where the model states no range, so the bounds are part of the type.
INTEGER_BOUNDS = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}

# The service sends non-finite floats as these strings (botocore hands them to Python unchanged).
NON_FINITE_FLOATS = ["NaN", "Infinity", "-Infinity"]

ISO_8601 = r"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$"


def plain_text(documentation: str) -> str:
    text = re.sub(r"<[^>]+>", " ", documentation)
    return " ".join(html.unescape(text).split())


# Java spells "any supplementary character" as a range of UTF-16 surrogate pairs; Python's strings hold
# code points, so the same range is U+10000 to U+10FFFF.
JAVA_SURROGATE_RANGE = "\\uD800\\uDC00-\\uDBFF\\uDFFF"
CODE_POINT_RANGE = "\\U00010000-\\U0010FFFF"


def anchored(pattern: str) -> str:
    """The service matches a member's pattern against the whole value (Java's `String.matches`)."""
    return f"^(?:{pattern.replace(JAVA_SURROGATE_RANGE, CODE_POINT_RANGE)})$"


class SchemaBuilder:
    def __init__(self, shapes: dict[str, Any], kind: str) -> None:
        self.shapes = shapes
        self.kind = kind
        self.defs: dict[str, Any] = {}

    def ref(self, shape_name: str) -> dict[str, Any]:
        if shape_name not in self.defs:
            self.defs[shape_name] = {}  # placeholder first: shapes may be recursive
            self.defs[shape_name] = self.shape_schema(shape_name)
        return {"$ref": f"#/$defs/{shape_name}"}

    def member_schema(self, member: dict[str, Any]) -> dict[str, Any]:
        schema = self.ref(member["shape"])
        if member.get("documentation"):
            schema["description"] = plain_text(member["documentation"])
        return schema

    def shape_schema(self, shape_name: str) -> dict[str, Any]:
        shape = self.shapes[shape_name]
        kind = shape["type"]
        schema: dict[str, Any] = {}
        if kind == "structure":
            schema["type"] = "object"
            schema["properties"] = {
                name: self.member_schema(member) for name, member in shape.get("members", {}).items()
            }
            if shape.get("required"):
                schema["required"] = list(shape["required"])
            schema["additionalProperties"] = False
            if shape.get("union"):
                schema["minProperties"] = 1
                schema["maxProperties"] = 1
        elif kind == "list":
            schema["type"] = "array"
            schema["items"] = self.member_schema(shape["member"])
            if "min" in shape:
                schema["minItems"] = shape["min"]
            if "max" in shape:
                schema["maxItems"] = shape["max"]
        elif kind == "map":
            schema["type"] = "object"
            schema["propertyNames"] = self.ref(shape["key"]["shape"])
            schema["additionalProperties"] = self.member_schema(shape["value"])
            if "min" in shape:
                schema["minProperties"] = shape["min"]
            if "max" in shape:
                schema["maxProperties"] = shape["max"]
        elif kind == "string":
            schema["type"] = "string"
            if "enum" in shape:
                schema["enum"] = list(shape["enum"])
            if "min" in shape:
                schema["minLength"] = shape["min"]
            if "max" in shape:
                schema["maxLength"] = shape["max"]
            if "pattern" in shape:
                schema["pattern"] = anchored(shape["pattern"])
        elif kind in INTEGER_BOUNDS:
            low, high = INTEGER_BOUNDS[kind]
            schema["type"] = "integer"
            schema["minimum"] = shape.get("min", low)
            schema["maximum"] = shape.get("max", high)
        elif kind in ("float", "double"):
            number: dict[str, Any] = {"type": "number"}
            if "min" in shape:
                number["minimum"] = shape["min"]
            if "max" in shape:
                number["maximum"] = shape["max"]
            if self.kind == "response":
                schema["anyOf"] = [number, {"enum": NON_FINITE_FLOATS}]
            else:
                schema.update(number)
        elif kind == "boolean":
            schema["type"] = "boolean"
        elif kind == "timestamp":
            schema["anyOf"] = [{"type": "string", "pattern": ISO_8601}, {"type": "number"}]
        elif kind == "blob":
            # Base64 text in JSON; the annotation lets ircli's evaluator take the bytes a protocol parsed.
            schema["type"] = "string"
            schema["contentEncoding"] = "base64"
        else:  # pragma: no cover - the model has no other shape types
            raise ValueError(f"unsupported shape type {kind!r} for {shape_name}")
        if shape.get("documentation"):
            schema["description"] = plain_text(shape["documentation"])
        return schema


def operation_schema(
    model: dict[str, Any], operation: str, kind: str, botocore_version: str, service: str = "sagemaker"
) -> dict[str, Any]:
    spec = model["operations"][operation]
    io_key = "input" if kind == "request" else "output"
    builder = SchemaBuilder(model["shapes"], kind)
    header: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:ircli:schema:{service}:{operation}.{kind}",
        "title": f"{operation} {kind}",
        "$comment": f"Generated by tools/generate_schemas.py from botocore {botocore_version} "
        f"({service} {model['metadata']['apiVersion']}). Do not edit.",
    }
    if io_key in spec:
        root = builder.shape_schema(spec[io_key]["shape"])
    else:
        root = {"type": "object", "properties": {}, "additionalProperties": False}
    if spec.get("documentation") and kind == "request":
        root["description"] = plain_text(spec["documentation"])
    header.update(root)
    header["$defs"] = {name: builder.defs[name] for name in sorted(builder.defs)}
    return header


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def generate_all() -> dict[str, str]:
    """File name -> content for every bundled schema, from the installed botocore model."""
    import botocore
    import botocore.session

    from ircli.operations import OPERATIONS, Service

    loader = botocore.session.get_session().get_component("data_loader")
    models = {service: loader.load_service_model(service.value, "service-2") for service in Service}
    files: dict[str, str] = {}
    for operation in OPERATIONS.values():
        for kind in ("request", "response"):
            schema = operation_schema(
                models[operation.service], operation.name, kind, botocore.__version__, operation.service.value
            )
            files[f"{operation.service.value}/{operation.name}.{kind}.json"] = render(schema)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed files drift")
    parser.add_argument("--out", type=Path, default=SCHEMA_DIR)
    args = parser.parse_args(argv)
    files = generate_all()
    if args.check:
        drifted = [name for name, text in files.items() if _read(args.out / name) != text]
        stale = sorted(name for name in _present(args.out) if name not in files)
        for name in drifted + stale:
            print(f"drift: {name}", file=sys.stderr)
        return 1 if drifted or stale else 0
    for name, text in files.items():
        (args.out / name).parent.mkdir(exist_ok=True)
        (args.out / name).write_text(text, encoding="utf-8")
    for name in _present(args.out):
        if name not in files:
            (args.out / name).unlink()
    print(f"wrote {len(files)} schemas to {args.out}")
    return 0


def _present(out: Path) -> list[str]:
    """The schema files there are, flat (older layout) or per service, as paths under `out`."""
    return sorted(path.relative_to(out).as_posix() for path in [*out.glob("*.json"), *out.glob("*/*.json")])


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


if __name__ == "__main__":
    sys.exit(main())
