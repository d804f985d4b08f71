"""The AWS CLI's text format: tab-separated scalars, nested values on lines named by their key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ircli.cli.output.document import jsonable
from ircli.cli.output.formats import Screen
from ircli.lib.printable import escape_controls

if TYPE_CHECKING:
    from ircli.cli.output.views import View


def to_text(data: Any) -> str:
    """The AWS CLI's text format: tab-separated scalars, nested values on lines named by their key; a
    listing's NextToken as a last `NEXTTOKEN` row, as the AWS CLI prints it."""
    lines: list[str] = []
    document = jsonable(data)
    token = document.pop("NextToken", None) if isinstance(document, dict) else None
    _text(document, lines, None, None)
    if token is not None:
        lines.append(f"NEXTTOKEN\t{escape_controls(str(token))}")
    return "".join(line + "\n" for line in lines)


def _scalar(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    # Tabs and newlines separate fields and records here, so inside a value they are escaped too.
    return escape_controls(str(value))


def _text(item: Any, lines: list[str], identifier: str | None, scalar_keys: list[str] | None) -> None:
    if isinstance(item, dict):
        _text_dict(item, lines, identifier, scalar_keys)
    elif isinstance(item, list):
        _text_list(item, lines, identifier)
    elif item is not None:
        lines.append(_scalar(item))


def _text_list(items: list[Any], lines: list[str], identifier: str | None) -> None:
    if not items:
        return
    if any(isinstance(element, dict) for element in items):
        keys = sorted(
            {
                k
                for element in items
                if isinstance(element, dict)
                for k, v in element.items()
                if not isinstance(v, (dict, list))
            }
        )
        for element in items:
            _text(element, lines, identifier, keys)
        return
    scalars = [element for element in items if not isinstance(element, list)]
    nested = [element for element in items if isinstance(element, list)]
    if scalars:
        if identifier is not None:
            lines.extend(f"{escape_controls(identifier.upper())}\t{_scalar(element)}" for element in scalars)
        else:
            lines.append("\t".join(_scalar(element) for element in scalars))
    for element in nested:
        _text(element, lines, identifier, None)


def _text_dict(item: dict[str, Any], lines: list[str], identifier: str | None, scalar_keys: list[str] | None) -> None:
    if scalar_keys is None:
        scalars = [_scalar(v) for _, v in sorted(item.items()) if not isinstance(v, (dict, list))]
        nested = [(k, v) for k, v in sorted(item.items()) if isinstance(v, (dict, list))]
    else:
        scalars = [_scalar(item.get(key, "")) for key in scalar_keys]
        nested = [(k, item[k]) for k in sorted(set(item) - set(scalar_keys))]
    if scalars:
        if identifier is not None:
            scalars.insert(0, escape_controls(identifier.upper()))
        lines.append("\t".join(scalars))
    for key, value in nested:
        _text(value, lines, key, None)


class TextFormatter:
    def write(self, data: Any, view: View, screen: Screen) -> None:
        screen.write(to_text(data))


FORMATTER = TextFormatter()
