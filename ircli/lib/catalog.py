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


def region_prices(region: str) -> dict[str, Any] | None:
    """The catalog's on-demand hosting prices in `region` ($/hour by instance type) with their location,
    usage-type prefix, source and date; None for a region the catalog does not carry."""
    entry = catalog().get("regions", {}).get(region)
    if entry is None:
        return None
    record: dict[str, Any] = dict(entry)
    if record.pop("prices_from", None) == "instances":
        instances = catalog()["instances"]
        record["prices"] = {
            name: spec["price_per_hour"] for name, spec in instances.items() if spec.get("price_per_hour")
        }
    return record
