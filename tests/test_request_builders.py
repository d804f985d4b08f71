"""Request builders (`ircli.lib.requests`) a command hands its options to: what they add, what they refuse."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from ircli.errors import InputError
from ircli.lib.requests import with_provisioned_concurrency
from tests.conftest import CliRunner

REQUEST: dict[str, Any] = {
    "EndpointConfigName": "c",
    "ProductionVariants": [
        {"VariantName": "a", "ModelName": "m", "InstanceType": "ml.c5.large", "InitialInstanceCount": 1},
        {"VariantName": "b", "ModelName": "m", "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}},
        {"VariantName": "c", "ModelName": "m", "ServerlessConfig": {"MemorySizeInMB": 1024, "MaxConcurrency": 1}},
    ],
}


def test_provisioned_concurrency_goes_on_the_first_serverless_variant_of_a_copy() -> None:
    before = copy.deepcopy(REQUEST)
    built = with_provisioned_concurrency(REQUEST, 3)
    assert [v.get("ServerlessConfig", {}).get("ProvisionedConcurrency") for v in built["ProductionVariants"]] == [
        None,
        3,
        None,
    ]
    assert before == REQUEST  # the request given is left as it was


@pytest.mark.parametrize("serverless", ["zz", None, ["MemorySizeInMB"]])
def test_provisioned_concurrency_without_a_serverless_config_object_is_refused(serverless: Any) -> None:
    request = {"ProductionVariants": [{"VariantName": "a", "ServerlessConfig": serverless}]}
    with pytest.raises(InputError, match="needs a serverless variant"):
        with_provisioned_concurrency(request, 2)


def test_a_serverless_config_that_is_not_an_object_is_refused_not_a_crash(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "EndpointConfigName: x\nProductionVariants:\n- VariantName: a\n  ModelName: m\n  ServerlessConfig: zz\n"
    )
    refused = cli(
        "endpoint-config", "create", "--cli-input-yaml", str(bad), "--provisioned-concurrency", "2", expect=252
    )
    assert "--provisioned-concurrency needs a serverless variant" in refused.err
    assert "unexpected error" not in refused.err
