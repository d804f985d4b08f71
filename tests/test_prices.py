"""Prices: the simulator's Price List API (GetProducts, DescribeServices) over the catalog's regions, the
parsing of its PriceList entries, the per-region cache with its date (an injected day, never the wall
clock), --refresh-prices, the catalog standing in when the API fails, and cost-estimate naming its source."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import botocore.session
import pytest
import yaml

from ircli.errors import IrcliError, ServiceError
from ircli.lib.catalog import catalog, instance, region_prices
from ircli.lib.prices import PriceCache, catalog_quote, fetch_prices, parse_product, regional_quote
from ircli.simulator.models import Simulator
from ircli.simulator.store import Store
from tests.conftest import EXAMPLES, CliRunner
from tests.shapes import walk

PRICING = botocore.session.get_session().get_service_model("pricing")
EU = {"Type": "TERM_MATCH", "Field": "regionCode", "Value": "eu-west-1"}


@pytest.fixture
def sim(tmp_path: Path) -> Simulator:
    return Simulator(Store(tmp_path / "sim"), speed="instant")


class Counting:
    """A PriceSource over the simulator that counts its calls (or fails as an unreachable API does)."""

    def __init__(self, sim: Simulator, fail: bool = False) -> None:
        self.sim, self.fail, self.calls = sim, fail, 0

    def get_products(self, request: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        if self.fail:
            raise IrcliError("Could not connect to the endpoint URL: http://127.0.0.1:9/")
        return self.sim.dispatch("GetProducts", request)


def test_get_products_answers_the_regions_hosting_prices_in_the_price_list_apis_shape(sim: Simulator) -> None:
    answer = sim.dispatch("GetProducts", {"ServiceCode": "AmazonSageMaker", "Filters": [EU]})
    assert walk(PRICING.operation_model("GetProducts").output_shape, answer) == []
    items = [json.loads(text) for text in answer["PriceList"]]
    expected = region_prices("eu-west-1")["prices"]  # type: ignore[index]
    assert {i["product"]["attributes"]["instanceName"] for i in items} == set(expected)
    item = next(i for i in items if i["product"]["attributes"]["instanceName"] == "ml.m5.xlarge")
    attributes = item["product"]["attributes"]
    assert (attributes["usagetype"], attributes["location"], attributes["component"]) == (
        "EU-Host:ml.m5.xlarge", "EU (Ireland)", "Hosting",
    )  # fmt: skip
    (offer,) = item["terms"]["OnDemand"].values()
    (dimension,) = offer["priceDimensions"].values()
    assert (dimension["unit"], float(dimension["pricePerUnit"]["USD"])) == ("Hrs", 0.257)
    assert parse_product(answer["PriceList"][items.index(item)]) == ("ml.m5.xlarge", 0.257)


def test_get_products_pages_by_max_results_and_filters_case_insensitively(sim: Simulator) -> None:
    request: dict[str, Any] = {
        "ServiceCode": "AmazonSageMaker",
        "MaxResults": 40,
        "Filters": [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": "US-EAST-1"}],
    }
    seen: list[str] = []
    while True:
        answer = sim.dispatch("GetProducts", request)
        assert len(answer["PriceList"]) <= 40
        seen += [json.loads(t)["product"]["attributes"]["instanceName"] for t in answer["PriceList"]]
        if "NextToken" not in answer:
            break
        request["NextToken"] = answer["NextToken"]
    priced = {name for name, spec in catalog()["instances"].items() if spec.get("price_per_hour")}
    assert sorted(seen) == sorted(priced)


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        ({"ServiceCode": "AmazonSageMaker", "MaxResults": 101}, "ValidationException"),  # over the model's max
        ({"ServiceCode": "AmazonSageMaker", "FormatVersion": "aws_v2"}, "InvalidParameterException"),
        ({"ServiceCode": "AmazonSageMaker", "NextToken": "bogus"}, "InvalidNextTokenException"),
        ({"ServiceCode": "AmazonSageMaker", "Filters": [{**EU, "Type": "CONTAINS"}]}, "InvalidParameterException"),
    ],
)
def test_get_products_refuses_what_the_service_refuses(sim: Simulator, request_: dict[str, Any], code: str) -> None:
    from ircli.simulator.exceptions import SimulatorError

    with pytest.raises(SimulatorError) as raised:
        sim.dispatch("GetProducts", request_)
    assert raised.value.code == code


def test_describe_services_names_sagemaker_and_its_attributes(sim: Simulator) -> None:
    answer = sim.dispatch("DescribeServices", {"ServiceCode": "AmazonSageMaker"})
    assert walk(PRICING.operation_model("DescribeServices").output_shape, answer) == []
    assert [s["ServiceCode"] for s in answer["Services"]] == ["AmazonSageMaker"]
    assert "instanceName" in answer["Services"][0]["AttributeNames"]
    assert sim.dispatch("DescribeServices", {"ServiceCode": "AmazonEC2"})["Services"] == []


def test_the_catalog_carries_several_regions_with_sources_and_no_invented_figures() -> None:
    for region in ("us-east-1", "us-west-2", "eu-west-1"):
        record = region_prices(region)
        assert record is not None and record["source"]
    assert region_prices("us-east-1")["prices"]["ml.c5.xlarge"] == instance("ml.c5.xlarge")["price_per_hour"]  # type: ignore[index]
    west = region_prices("us-west-2")
    assert west is not None and west["prices"] == {} and west["as_of"] is None  # nothing found to cite
    assert catalog_quote("ap-east-1").prices == {}


def test_the_quote_is_cached_with_its_day_read_back_and_refetched_on_request(sim: Simulator, tmp_path: Path) -> None:
    cache, source = PriceCache(tmp_path / "prices"), Counting(sim)
    first = regional_quote(source, "eu-west-1", cache=cache, as_of="2026-12-01")
    assert (first.label, first.price("ml.g4dn.xlarge"), source.calls) == (
        "Price List API, eu-west-1, 2026-12-01",
        0.821,
        1,
    )
    assert json.loads(cache.path("eu-west-1").read_text())["as_of"] == "2026-12-01"
    again = regional_quote(source, "eu-west-1", cache=cache, as_of="2026-12-09")
    assert (again.as_of, source.calls) == ("2026-12-01", 1)  # read from the file, not the API
    fresh = regional_quote(source, "eu-west-1", cache=cache, as_of="2026-12-09", refresh=True)
    assert (fresh.as_of, source.calls) == ("2026-12-09", 2)
    assert regional_quote(source, "eu-west-1", cache=cache, as_of="2027-01-01").as_of == "2026-12-09"


def test_an_unreachable_api_falls_back_to_the_catalog_and_says_why(sim: Simulator, tmp_path: Path) -> None:
    quote = regional_quote(Counting(sim, fail=True), "eu-west-1", cache=PriceCache(tmp_path), as_of="2026-12-01")
    assert quote.source == "ircli catalog" and quote.price("ml.m5.xlarge") == 0.257
    assert "could not be reached" in quote.notes[0] and "127.0.0.1:9" in quote.notes[0]
    assert "published 2023-12" in quote.label and "sagemaker-ssh-helper" in quote.label
    assert not list(tmp_path.iterdir())  # a fallback is never cached as the API's answer


def test_a_region_the_api_does_not_price_falls_back_too(sim: Simulator, tmp_path: Path) -> None:
    quote = regional_quote(Counting(sim), "us-west-2", cache=PriceCache(tmp_path), as_of="2026-12-01")
    assert quote.source == "ircli catalog" and quote.prices == {} and "no SageMaker hosting prices" in quote.notes[0]


def test_fetch_prices_lets_service_errors_through_to_the_fallback(sim: Simulator) -> None:
    class Refusing:
        def get_products(self, request: dict[str, Any]) -> dict[str, Any]:
            raise ServiceError("AccessDeniedException", "not allowed", "GetProducts")

    with pytest.raises(ServiceError):
        fetch_prices(Refusing(), "us-east-1")


@pytest.mark.slow  # a job run and four estimates
def test_cost_estimate_names_where_and_when_its_prices_come_from(cli: CliRunner, tmp_path: Path) -> None:
    clock = {"IRCLI_SIM_CLOCK": "1796083200"}  # 2026-12-01T00:00:00Z
    # The example without its named instance types: real-time and serverless recommendations both.
    request = yaml.safe_load((EXAMPLES / "default-job.yaml").read_text())
    del request["InputConfig"]["ContainerConfig"]["SupportedInstanceTypes"]
    (tmp_path / "combined.yaml").write_text(yaml.safe_dump(request))
    assert cli("create-job", "--cli-input-yaml", str(tmp_path / "combined.yaml"), environ=clock).code == 0
    traffic = ["--average-per-minute", "200", "--peak-per-minute", "1000", "--no-chart"]
    table = cli("cost-estimate", "xgboost-default", *traffic, "--output", "table", environ=clock)
    label = "ircli simulator's Price List API (ircli catalog), us-east-1, 2026-11"  # the catalog's date
    assert f"Price source: {label} (ml." in table.out
    assert "Price source: ircli catalog (serverless, us-east-1, published 2026-11)" in table.out
    document = cli("cost-estimate", "xgboost-default", *traffic, "--output", "json", environ=clock).json
    assert document["PriceSource"] == label
    assert {e["PriceSource"] for e in document["Estimates"] if e["Kind"] == "Instances"} == {label}
    # The catalog's figures keep citing each type's own source (how sure it is), and the quote is cached.
    assert any("catalog source:" in row["Value"] for row in document["Assumptions"] if "ml." in row["Assumption"])
    assert (Path(os.environ["IRCLI_HOME"]) / "cache" / "prices" / "local" / "us-east-1.json").is_file()
