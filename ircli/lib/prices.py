"""Where the instance prices of cost estimates come from: the Price List API (`pricing` GetProducts,
service code AmazonSageMaker) for the job's region, asked through a `PriceSource` (the aws backend's
pricing client; locally the simulator's, which serves the catalog), cached on disk with the date they were
fetched (one JSON file per region), refreshed on request, and ircli's catalog when the API cannot be
reached. Every quote says where its prices came from and when."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable

from ircli.errors import IrcliError

SERVICE_CODE = "AmazonSageMaker"
# The Price List API answers only in these regions, whatever region it prices.
PRICING_REGIONS = ("us-east-1", "eu-central-1", "ap-south-1")


class PriceSource(Protocol):
    """Sends one GetProducts request (shaped as the API defines it) and returns its response."""

    def get_products(self, request: dict[str, Any]) -> dict[str, Any]: ...


@dataclass(frozen=True)
class PriceQuote:
    """On-demand hosting prices ($/hour by instance type) in one region, with their origin and date."""

    region: str
    prices: dict[str, float]
    source: str  # "Price List API" or "ircli catalog"
    as_of: str | None
    detail: str = ""  # the catalog's cited source
    notes: list[str] = field(default_factory=list)  # why the catalog stands in, said on stderr

    @property
    def label(self) -> str:
        if self.source.startswith("ircli catalog"):
            return f"{self.source} ({self.region}, published {self.as_of or 'never'}, source: {self.detail})"
        return f"{self.source}, {self.region}, {self.as_of}"

    def price(self, instance_type: str) -> float | None:
        return self.prices.get(instance_type)


def parse_product(text: str) -> tuple[str, float] | None:
    """(instance type, $/hour) of one PriceList entry that is an on-demand hosting instance; None otherwise."""
    item = json.loads(text)
    attributes = item.get("product", {}).get("attributes", {})
    instance_type = attributes.get("instanceName") or attributes.get("instanceType")
    if not instance_type or "-Host:" not in "-" + str(attributes.get("usagetype", "")):
        return None
    for offer in item.get("terms", {}).get("OnDemand", {}).values():
        for dimension in offer.get("priceDimensions", {}).values():
            usd = dimension.get("pricePerUnit", {}).get("USD")
            if usd is not None and dimension.get("unit") in ("Hrs", "Hours", "hour") and float(usd) > 0:
                return str(instance_type), float(usd)
    return None


def fetch_prices(source: PriceSource, region: str) -> dict[str, float]:
    """Every on-demand hosting price the Price List API has for `region`, page by page."""
    request: dict[str, Any] = {
        "ServiceCode": SERVICE_CODE,
        "FormatVersion": "aws_v1",
        "MaxResults": 100,
        "Filters": [
            {"Type": "TERM_MATCH", "Field": "regionCode", "Value": region},
            {"Type": "TERM_MATCH", "Field": "component", "Value": "Hosting"},
        ],
    }
    prices: dict[str, float] = {}
    while True:
        answer = source.get_products(request)
        for text in answer.get("PriceList") or []:
            parsed = parse_product(text)
            if parsed is not None:
                prices.setdefault(*parsed)
        if not answer.get("NextToken"):
            return prices
        request = {**request, "NextToken": answer["NextToken"]}


def catalog_quote(region: str, notes: list[str] | None = None) -> PriceQuote:
    from ircli.lib.catalog import region_prices

    record = region_prices(region)
    if record is None:
        return PriceQuote(region, {}, "ircli catalog", None, f"the catalog carries no prices for {region}", notes or [])
    return PriceQuote(region, dict(record["prices"]), "ircli catalog", record["as_of"], record["source"], notes or [])


class PriceCache:
    """One JSON file per region under the cache directory: the prices and the day they were fetched."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, region: str) -> Path:
        return self.directory / f"{region}.json"

    def read(self, region: str) -> PriceQuote | None:
        try:
            data = json.loads(self.path(region).read_text("utf-8"))
            return PriceQuote(
                region, {str(k): float(v) for k, v in data["prices"].items()}, data["source"], data["as_of"]
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # none yet, or unreadable: fetched again

    def write(self, quote: PriceQuote) -> None:
        document = {"region": quote.region, "source": quote.source, "as_of": quote.as_of, "prices": quote.prices}
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self.path(quote.region).with_suffix(".tmp")
        temporary.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", "utf-8")
        temporary.replace(self.path(quote.region))


def regional_quote(
    source: PriceSource,
    region: str,
    *,
    cache: PriceCache,
    as_of: str,
    refresh: bool = False,
    name: str = "Price List API",
    origin: Callable[[], tuple[str, str]] | None = None,
) -> PriceQuote:
    """The prices of `region`: the cached ones unless `refresh`, else fetched (and cached) from `source`,
    else the catalog's, with a note saying why. `origin`, when given, names the fetched prices' source and
    date in place of `name` and `as_of`, asked once they are fetched: only the answer says who gave it."""
    if not refresh:
        cached = cache.read(region)
        if cached is not None:
            return cached
    try:
        prices = fetch_prices(source, region)
    except IrcliError as exc:
        reason = str(exc).splitlines()[0]
        return catalog_quote(region, [f"The Price List API could not be reached ({reason}); using ircli's catalog."])
    if not prices:
        return catalog_quote(
            region, [f"The Price List API has no SageMaker hosting prices for {region}; using ircli's catalog."]
        )
    if origin is not None:
        name, as_of = origin()
    quote = PriceQuote(region, prices, name, as_of)
    cache.write(quote)
    return quote


def job_region(job: dict[str, Any], default: str | None) -> str:
    """The region of a described job, from its ARN (arn:aws:sagemaker:REGION:...), else `default`."""
    parts = str(job.get("JobArn") or "").split(":")
    return parts[3] if len(parts) > 3 and parts[3] else (default or "us-east-1")


# Where an endpoint configuration's $/hour comes from when the quote has no price for it (serverless, or an
# instance type the region's quote lacks): the service's own figure in the job.
JOB_COST = "the job's CostPerHour"


def hourly_cost(recommendation: dict[str, Any], quote: PriceQuote) -> tuple[float | None, str]:
    """What a recommendation's endpoint costs an hour at `quote`'s prices (its instance type's price times
    InitialInstanceCount) and where that figure comes from; the job's CostPerHour where the quote has none."""
    from ircli.lib.numbers import number

    configuration = recommendation.get("EndpointConfiguration") or {}
    quoted = quote.price(str(configuration["InstanceType"])) if "InstanceType" in configuration else None
    if quoted is not None:
        count = number(configuration.get("InitialInstanceCount"))
        return quoted * max(1, int(count or 1)), quote.label
    return number((recommendation.get("Metrics") or {}).get("CostPerHour")), JOB_COST


def source_lines(priced: list[tuple[str, str]]) -> list[str]:
    """`Price source: SOURCE (names).` once per source, from (source, what it priced) pairs, in their order."""
    by_source: dict[str, list[str]] = {}
    for source, name in priced:
        by_source.setdefault(source, []).append(name)
    return [f"Price source: {source} ({', '.join(dict.fromkeys(names))})." for source, names in by_source.items()]
