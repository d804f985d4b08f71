"""The output formats a user can ask for, by name: what views and formats both speak of."""

from enum import Enum


class OutputFormat(str, Enum):
    TABLE = "table"
    JSON = "json"
    YAML = "yaml"
    TEXT = "text"
    CSV = "csv"
    MARKDOWN = "markdown"
