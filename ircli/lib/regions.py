"""AWS regions, as botocore's partition data knows them: a region that is not one is refused before
anything is sent, with a did-you-mean (`us-esat-1` otherwise only fails to connect; the simulator would
print ARNs in `mars-1`). The data file is read without importing botocore."""

from __future__ import annotations

import difflib
import importlib.util
import json
from functools import cache
from pathlib import Path

from ircli.errors import InputError


@cache
def known_regions() -> frozenset[str]:
    spec = importlib.util.find_spec("botocore")
    if spec is None or spec.origin is None:
        return frozenset()
    data = json.loads((Path(spec.origin).parent / "data" / "endpoints.json").read_text("utf-8"))
    return frozenset(region for partition in data["partitions"] for region in partition["regions"])


def check_region(region: str, *, source: str = "--region") -> str:
    regions = known_regions()
    if not regions or region in regions:
        return region
    close = difflib.get_close_matches(region, sorted(regions), n=2)
    hint = f"Did you mean {' or '.join(close)}?" if close else "See `aws account list-regions` for the regions."
    raise InputError(
        f"Bad value for {source}: {region!r} is not an AWS region (botocore's partition data lists "
        f"{len(regions)}; a region newer than it needs a newer botocore).",
        hint=hint,
    )
