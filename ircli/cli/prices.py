"""How commands price instances for the job's region: the backend's Price List API (the aws backend's
pricing client, or the simulator's) through `ircli.lib.prices`, cached under the state directory's
`cache/prices/`, refreshed with `--refresh-prices`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ircli.cli.context import CliContext
    from ircli.lib.prices import PriceQuote


def today(environ: Mapping[str, str]) -> date:
    """The day prices are fetched on: IRCLI_SIM_CLOCK's when it names a virtual clock, else the wall clock's (UTC)."""
    from ircli.simulator.clock import virtual_clock

    clock = virtual_clock(environ.get("IRCLI_SIM_CLOCK"))
    seconds = clock() if clock is not None else datetime.now(timezone.utc).timestamp()
    return datetime.fromtimestamp(seconds, timezone.utc).date()


SIMULATOR_PRICES = "ircli simulator's Price List API (ircli catalog)"


def cache_key(endpoint_url: str | None) -> str:
    """The cache folder of the prices one pricing endpoint answered: `default` for AWS's own, else one named
    for the URL (its host and port, and a digest of all of it), so one endpoint's prices never stand for another's."""
    if not endpoint_url:
        return "default"
    import hashlib
    import re
    from urllib.parse import urlsplit

    parts = urlsplit(endpoint_url)
    readable = re.sub(r"[^A-Za-z0-9.-]+", "_", f"{parts.hostname or 'endpoint'}_{parts.port or parts.scheme}")
    return f"{readable}-{hashlib.sha256(endpoint_url.encode()).hexdigest()[:12]}"


def price_lookup(cli: CliContext, *, refresh: bool) -> Callable[[str], PriceQuote] | None:
    """Region -> its prices, through the command's backend; None for a backend that cannot ask."""
    from ircli.lib.catalog import catalog
    from ircli.lib.prices import PriceCache, regional_quote

    backend = cli.service.backend
    if not hasattr(backend, "get_products"):
        return None
    directory = cli.state_dir / "cache" / "prices" / backend.kind.value
    # The simulator serves the catalog: its prices are as old as the catalog's, whenever fetched.
    simulator = SIMULATOR_PRICES, str(catalog()["prices_as_of"])
    from ircli.backends.aws import AwsBackend

    if not isinstance(backend, AwsBackend):  # the local backend's simulator
        local = PriceCache(directory)

        def simulated(region: str) -> PriceQuote:
            return regional_quote(backend, region, cache=local, as_of=simulator[1], refresh=refresh, name=simulator[0])  # type: ignore[arg-type]

        return simulated
    aws = backend
    endpoint = aws.service_endpoint("pricing")
    cache = PriceCache(directory / cache_key(endpoint))
    service = "Price List API", today(cli.env.environ).isoformat()

    def origin() -> tuple[str, str]:
        # `ircli simulator serve` marks its answers; AWS's own endpoint is never the simulator.
        return simulator if endpoint and aws.simulated else service

    def lookup(region: str) -> PriceQuote:
        return regional_quote(aws, region, cache=cache, as_of=service[1], refresh=refresh, origin=origin)

    return lookup
