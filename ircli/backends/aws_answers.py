"""Whether an answer botocore has parsed is one the service could have sent: every member its output
shape requires is there, at every depth, and every structure, list and map is one.

botocore parses an empty, truncated or garbled 200 into `{}` without complaint, so without this check an
answer missing everything reads as success ("Created None", a job with no status). The walk is linear in
the answer, which the transport has already bounded.
"""

from __future__ import annotations

from typing import Any

KINDS: dict[str, Any] = {"structure": dict, "list": list, "map": dict}
NAMES = {"structure": "an object", "list": "a list", "map": "an object", "string": "a string", "boolean": "a boolean"}
# Scalars botocore passes through as the JSON had them. Numbers are not checked: the service writes a
# float it has no value for as "NaN", and an integer may come as 3.0.
SCALARS: dict[str, type] = {"string": str, "boolean": bool}


def answer_problem(shape: Any, answer: Any) -> str | None:
    """What is wrong with `answer` for the output shape `shape` (None if nothing), naming the member."""
    if shape is None:
        return None
    if not isinstance(answer, dict):
        return "it is not an object"
    pending: list[tuple[Any, Any, str]] = [(shape, answer, "")]
    while pending:
        current, value, path = pending.pop()
        kind = KINDS.get(current.type_name)
        if kind is None:
            continue
        if not isinstance(value, kind):
            return f"{path} is not {NAMES[current.type_name]}"
        if current.type_name == "structure":
            for name in current.required_members:
                if value.get(name) is None:
                    return f"it has no {_join(path, name)}, which the service always sends"
            members = current.members
            for name, item in value.items():
                if name not in members or item is None:
                    continue
                member = members[name]
                scalar = SCALARS.get(member.type_name)
                if scalar is not None:
                    if not isinstance(item, scalar):
                        return f"{_join(path, name)} is not {NAMES[member.type_name]}"
                elif member.type_name in KINDS:
                    pending.append((member, item, _join(path, name)))
        elif current.type_name == "list":
            if KINDS.get(current.member.type_name) is not None:
                pending.extend((current.member, item, f"{path}[{index}]") for index, item in enumerate(value))
        elif KINDS.get(current.value.type_name) is not None:
            pending.extend((current.value, item, f"{path}.{key}") for key, item in value.items())
    return None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
