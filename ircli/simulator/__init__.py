"""The embedded simulator of SageMaker Inference Recommender and of the endpoint APIs around it.

`models` holds API-shaped state over the SQLite `store`; `perf` is the performance model (over the
instance catalog, `ircli/lib/catalog.json`); `responses` parses wire requests and `server` serves them over
HTTP; `exceptions` carries the service's error codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ircli.simulator.models import Simulator


def open_simulator(state_dir: Path, *, region: str = "us-east-1", speed: str | None = None) -> Simulator:
    """The simulator over the state in `state_dir`, as the local backend and `simulator serve` use it."""
    from ircli.simulator.models import Simulator
    from ircli.simulator.store import Store

    return Simulator(Store(state_dir), region=region, speed=speed)
