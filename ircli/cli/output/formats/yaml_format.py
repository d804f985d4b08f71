"""YAML, block style, members in the API's order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ircli.cli.output.document import jsonable
from ircli.cli.output.formats import Screen

if TYPE_CHECKING:
    from ircli.cli.output.views import View


def to_yaml(data: Any) -> str:
    import yaml

    return str(yaml.safe_dump(jsonable(data), sort_keys=False, allow_unicode=True, default_flow_style=False))


class YamlFormatter:
    def write(self, data: Any, view: View, screen: Screen) -> None:
        screen.write(to_yaml(data))


FORMATTER = YamlFormatter()
