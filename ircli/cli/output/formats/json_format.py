"""JSON, indented as the AWS CLI prints it; non-ASCII text kept as it is (escaped for a screen that cannot
show it)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ircli.cli.output.document import jsonable
from ircli.cli.output.formats import Screen
from ircli.lib.printable import json_safe

if TYPE_CHECKING:
    from ircli.cli.output.views import View


def to_json(data: Any, *, unicode: bool = True) -> str:
    return json_safe(json.dumps(jsonable(data), indent=4, ensure_ascii=not unicode)) + "\n"


class JsonFormatter:
    def write(self, data: Any, view: View, screen: Screen) -> None:
        screen.write(to_json(data, unicode=screen.unicode))


FORMATTER = JsonFormatter()
