"""YAML, block style, members in the API's order. Safe on a terminal as JSON is: a string holding a line
or paragraph separator (NEL, U+2028, U+2029) or a bidirectional control is double-quoted, where YAML
escapes them (`\\N`, `\\u202e`), so the document loads back to the same data and nothing reorders the
screen. A screen that cannot show Unicode gets every non-ASCII character escaped the same way."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ircli.cli.output.document import jsonable
from ircli.cli.output.formats import Screen
from ircli.lib.printable import yaml_safe, yaml_unsafe

if TYPE_CHECKING:
    from ircli.cli.output.views import View

# Characters PyYAML's emitter writes raw in a plain or single-quoted scalar; it escapes them when double-quoted.
_SEPARATORS = re.compile("[\x85\u2028\u2029]")


@lru_cache(maxsize=1)
def _dumper() -> Any:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: Any, value: str) -> Any:
        if yaml_unsafe(value) or _SEPARATORS.search(value):
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
        return yaml.SafeDumper.represent_str(dumper, value)

    Dumper.add_representer(str, represent_str)
    return Dumper


def to_yaml(data: Any, *, unicode: bool = True) -> str:
    import yaml

    text = yaml.dump(jsonable(data), Dumper=_dumper(), sort_keys=False, allow_unicode=unicode, default_flow_style=False)
    return yaml_safe(str(text))


class YamlFormatter:
    def write(self, data: Any, view: View, screen: Screen) -> None:
        screen.write(to_yaml(data, unicode=screen.unicode))


FORMATTER = YamlFormatter()
