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


def price_lookup(cli: CliContext, *, refresh: bool) -> Callable[[str], PriceQuote] | None:
    """Region -> its prices, through the command's backend; None for a backend that cannot ask."""
    from ircli.lib.backend import BackendKind
    from ircli.lib.prices import PriceCache, regional_quote

    backend = cli.service.backend
    if not hasattr(backend, "get_products"):
        return None
    source = backend  # AwsBackend and LocalBackend implement PriceSource
    cache = PriceCache(cli.state_dir / "cache" / "prices" / backend.kind.value)
    if backend.kind is BackendKind.AWS:
        name, as_of = "Price List API", today(cli.env.environ).isoformat()
    else:  # the simulator serves the catalog: its prices are as old as the catalog's, whenever fetched
        from ircli.lib.catalog import catalog

        name, as_of = "ircli simulator's Price List API (ircli catalog)", str(catalog()["prices_as_of"])

    def lookup(region: str) -> PriceQuote:
        return regional_quote(source, region, cache=cache, as_of=as_of, refresh=refresh, name=name)  # type: ignore[arg-type]

    return lookup
