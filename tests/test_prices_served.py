"""The Price List API served on loopback: real boto3's GetProducts and DescribeServices (answers walked
against botocore's output shapes), the aws backend reading another region's prices through a pricing
client made in a region the API answers in, and the catalog standing in (said on stderr) when the pricing
endpoint refuses connections."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from ircli.backends.aws import AwsBackend
from ircli.lib.prices import PriceCache, regional_quote
from ircli.simulator.models import Simulator
from ircli.simulator.server import RunningServer, serve_in_thread
from ircli.simulator.store import Store
from tests.conftest import EXAMPLES, CliRunner
from tests.shapes import walk

pytestmark = pytest.mark.slow  # a server thread per test

KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running, thread = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    yield running
    running.shutdown()
    running.server_close()
    thread.join(timeout=5)


def url_of(server: RunningServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens there once the probe is closed: connections are refused


def test_boto3_pages_get_products_and_reads_describe_services(server: RunningServer) -> None:
    client = boto3.client(
        "pricing",
        endpoint_url=url_of(server),
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )
    model = client.meta.service_model
    pages = client.get_paginator("get_products").paginate(
        ServiceCode="AmazonSageMaker",
        Filters=[{"Type": "TERM_MATCH", "Field": "regionCode", "Value": "eu-west-1"}],
        FormatVersion="aws_v1",
        PaginationConfig={"PageSize": 2},
    )
    products = []
    for page in pages:
        assert walk(model.operation_model("GetProducts").output_shape, page) == []
        products += [json.loads(text) for text in page["PriceList"]]
    assert len(products) == 5 and {p["product"]["attributes"]["regionCode"] for p in products} == {"eu-west-1"}
    services = client.describe_services(ServiceCode="AmazonSageMaker")
    assert walk(model.operation_model("DescribeServices").output_shape, services) == []
    assert services["Services"][0]["ServiceCode"] == "AmazonSageMaker"
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.get_products(ServiceCode="AmazonSageMaker", NextToken="not-a-token")


def test_the_aws_backend_reads_another_regions_prices_from_a_region_the_api_answers_in(
    server: RunningServer, tmp_path: Path
) -> None:
    backend = AwsBackend(region="eu-west-1", environ={**KEYS, "AWS_ENDPOINT_URL": url_of(server)})
    quote = regional_quote(backend, "eu-west-1", cache=PriceCache(tmp_path), as_of="2026-12-01")
    assert backend.client_for("pricing").meta.region_name == "us-east-1"  # eu-west-1 has no pricing endpoint
    assert quote.label == "Price List API, eu-west-1, 2026-12-01"
    assert quote.prices == {
        "ml.g4dn.12xlarge": 5.453, "ml.g4dn.4xlarge": 1.678, "ml.g4dn.xlarge": 0.821, "ml.g5.12xlarge": 7.91,
        "ml.m5.xlarge": 0.257,
    }  # fmt: skip
    assert AwsBackend(region="ap-south-1", environ=KEYS)._client_region("pricing") == "ap-south-1"


def test_a_refused_pricing_endpoint_falls_back_to_the_catalog_and_says_so(
    cli: CliRunner, server: RunningServer
) -> None:
    remote = ["--backend", "aws", "--region", "us-east-1", "--endpoint-url", url_of(server)]
    environ = {**KEYS, "AWS_MAX_ATTEMPTS": "1", "IRCLI_SIM_CLOCK": "1796083200"}
    assert cli(*remote, "create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), environ=environ).code == 0
    traffic = ["--average-per-minute", "200", "--peak-per-minute", "1000", "--output", "json"]
    # --endpoint-url would name every service's endpoint: SageMaker is served through AWS_ENDPOINT_URL and
    # the pricing client alone goes to a port that refuses connections.
    refused = f"http://127.0.0.1:{closed_port()}"
    environ_split = {**environ, "AWS_ENDPOINT_URL": url_of(server), "AWS_ENDPOINT_URL_PRICING": refused}
    split = ["--backend", "aws", "--region", "us-east-1"]
    result = cli(*split, "cost-estimate", "xgboost-default", *traffic, environ=environ_split)
    assert "The Price List API could not be reached" in result.err and "using ircli's catalog" in result.err
    assert result.json["PriceSource"].startswith("ircli catalog (us-east-1, published 2026-11")
    served = cli(*remote, "cost-estimate", "xgboost-default", *traffic, environ=environ)
    # The served simulator's answers are marked: its prices are the catalog's, and said to be.
    simulated = "ircli simulator's Price List API (ircli catalog), us-east-1, 2026-11"
    assert served.json["PriceSource"] == simulated and served.err == ""
    (cached_file,) = (Path(os.environ["IRCLI_HOME"]) / "cache" / "prices" / "aws").glob("127.0.0.1_*/us-east-1.json")
    cached_file.write_text(cached_file.read_text("utf-8").replace("2026-11", "2026-10"), "utf-8")
    cached = cli(*remote, "cost-estimate", "xgboost-default", *traffic, environ=environ)
    assert cached.json["PriceSource"].endswith("2026-10")  # the cache answers until refreshed
    refreshed = cli(*remote, "cost-estimate", "xgboost-default", *traffic, "--refresh-prices", environ=environ)
    assert refreshed.json["PriceSource"] == simulated
