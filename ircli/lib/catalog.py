"""The instance catalog (`catalog.json` beside this module): each instance type's hardware and on-demand
price, the serverless prices, and where every figure comes from. The simulator measures and prices with it;
cost estimates cite it."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def catalog() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files(__package__).joinpath("catalog.json").read_text("utf-8"))
    return data


def instance(instance_type: str) -> dict[str, Any]:
    record: dict[str, Any] = catalog()["instances"][instance_type]
    return record


def serverless_prices() -> dict[str, Any]:
    prices: dict[str, Any] = catalog()["serverless"]
    return prices
