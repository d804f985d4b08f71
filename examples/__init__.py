"""The sample requests, traffic profiles and CI workflow ircli ships. Installed as the package
`ircli.examples`, so that `ircli examples list|show|copy` gives them without the repository."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
SUFFIXES = (".yaml", ".yml", ".json", ".csv")


@dataclass(frozen=True)
class Example:
    name: str  # the file's name: default-job.yaml
    summary: str  # what it is, from its first comment line (or, for a CSV, its columns)

    @property
    def path(self) -> Path:
        return HERE / self.name

    def text(self) -> str:
        return self.path.read_text("utf-8")


def _summary(path: Path) -> str:
    first = path.read_text("utf-8").splitlines()[:1]
    line = first[0] if first else ""
    if line.startswith("#"):
        return line.lstrip("# ").strip()
    if path.suffix == ".csv":
        return f"A traffic profile (CSV columns: {line.replace(',', ', ')}), for cost-estimate --traffic-profile."
    return ""


def examples() -> list[Example]:
    """Every example, by name."""
    return [
        Example(path.name, _summary(path))
        for path in sorted(HERE.iterdir())
        if path.is_file() and path.suffix in SUFFIXES
    ]


def find_example(name: str) -> Example | None:
    """The example called `name` (with or without its suffix)."""
    for example in examples():
        if name in (example.name, example.path.stem):
            return example
    return None
