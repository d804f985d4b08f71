"""The deployment side of the CLI on the local backend: models, endpoint listings, endpoint changes that
wait as the AWS CLI's waiters do, and a job's execution log."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, CliRunner

CONFIG = str(EXAMPLES / "endpoint-config-instance.yaml")
DEFAULT = str(EXAMPLES / "default-job.yaml")
# Endpoints take 0.3 s to create, 0.18 s to update: the waiting shows. On a clock that moves 20 ms at each
# reading (IRCLI_SIM_CLOCK, the fixture below) rather than with the wall clock, so that a loaded machine
# cannot skip a status.
FAST = {"IRCLI_SIM_SPEED": "1000"}


@pytest.fixture(autouse=True)
def ticking_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now = tmp_path / "now"
    now.write_text("1800000000", "utf-8")
    monkeypatch.setenv("IRCLI_SIM_CLOCK", f"file:{now}+0.02")


def test_models_create_describe_list_and_delete(cli: CliRunner) -> None:
    created = cli(
        "model", "create", "--model-name", "m1", "--image", "img:1", "--model-data-url", "s3://b/m.tar.gz",
        "--execution-role-arn", "arn:aws:iam::123456789012:role/R", "--environment", "OMP_NUM_THREADS=2",
        "--tag", "team=ml",
    )  # fmt: skip
    assert created.code == 0, created.err
    assert created.json["ModelArn"] == "arn:aws:sagemaker:us-east-1:123456789012:model/m1"
    described = cli("model", "describe", "m1", "--output", "json").json
    assert described["PrimaryContainer"] == {
        "Image": "img:1",
        "ModelDataUrl": "s3://b/m.tar.gz",
        "Environment": {"OMP_NUM_THREADS": "2"},
    }
    table = cli("model", "describe", "m1", "--output", "table").out
    assert "s3://b/m.tar.gz" in table and "OMP_NUM_THREADS=2" in table
    names = [
        m["ModelName"] for m in cli("model", "list", "--sort-by", "Name", "--sort-order", "Ascending").json["Models"]
    ]
    assert names == ["churn-xgboost", "distilbert-sentiment", "m1", "resnet50"]
    assert cli("model", "create", "--model-name", "m1", "--image", "img", expect=254).code == 254
    assert cli("model", "delete", "m1").code == 0
    missing = cli("model", "describe", "m1", expect=254)
    assert (
        missing.code == 254
        and 'Could not find model "arn:aws:sagemaker:us-east-1:123456789012:model/m1"' in missing.err
    )


def test_a_job_or_a_configuration_naming_a_missing_model_is_refused(cli: CliRunner) -> None:
    job = cli("create-job", "--cli-input-yaml", DEFAULT, "--model-name", "forgotten", expect=254)
    assert job.code == 254 and "Could not find model" in job.err and "model/forgotten" in job.err
    config = cli("endpoint-config", "create", "--cli-input-yaml", CONFIG, "--endpoint-config-name", "c2")
    assert config.code == 0
    bad = cli(
        "endpoint-config", "create", "--endpoint-config-name", "c3", "--cli-input-json",
        '{"ProductionVariants": [{"VariantName": "v", "ModelName": "gone", "InstanceType": "ml.c5.large",'
        ' "InitialInstanceCount": 1}]}', expect=254,
    )  # fmt: skip
    assert bad.code == 254 and 'Could not find model "arn:aws:sagemaker:us-east-1:123456789012:model/gone".' in bad.err


def test_deploy_update_and_delete_wait_like_the_aws_cli(cli: CliRunner) -> None:
    assert cli("endpoint-config", "create", "--cli-input-yaml", CONFIG).code == 0
    assert cli("endpoint-config", "create", "--cli-input-yaml", CONFIG, "--endpoint-config-name", "bigger").code == 0
    deployed = cli(
        "endpoint-config", "deploy", "--endpoint-name", "churn", "--endpoint-config-name", "churn-prod-config",
        "--wait", "--interval", "0.05", "--output", "json", environ=FAST,
    )  # fmt: skip
    assert deployed.code == 0, deployed.err
    assert "endpoint churn: Creating" in deployed.err and "endpoint churn: InService" in deployed.err
    assert deployed.json["EndpointStatus"] == "InService"
    listed = cli("list-endpoints", "--output", "json").json["Endpoints"]
    assert [(e["EndpointName"], e["EndpointStatus"]) for e in listed] == [("churn", "InService")]
    configs = cli("endpoint-config", "list", "--output", "json").json["EndpointConfigs"]
    assert {c["EndpointConfigName"] for c in configs} == {"churn-prod-config", "bigger"}
    updated = cli(
        "endpoint-config", "update-endpoint", "--endpoint-name", "churn", "--endpoint-config-name", "bigger",
        "--wait", "--interval", "0.05", "--output", "json", environ=FAST,
    )  # fmt: skip
    assert updated.code == 0, updated.err
    assert "Updating" in updated.err and updated.json["EndpointConfigName"] == "bigger"
    deleted = cli("endpoint-config", "delete-endpoint", "churn", "--wait", "--interval", "0.05", environ=FAST)
    assert deleted.code == 0 and "endpoint churn: Deleting" in deleted.err and "endpoint churn: deleted" in deleted.err
    assert cli("list-endpoints", "--output", "json").json["Endpoints"] == []


def test_a_failed_endpoint_ends_the_wait_with_255_and_a_timeout_with_124(cli: CliRunner) -> None:
    assert cli("endpoint-config", "create", "--cli-input-yaml", CONFIG).code == 0
    failed = cli(
        "endpoint-config", "deploy", "--endpoint-name", "broken", "--endpoint-config-name", "churn-prod-config",
        "--tag", "ircli:simulate=fail-endpoint", "--wait", "--interval", "0.1", expect=255,
    )  # fmt: skip
    assert failed.code == 255 and "Endpoint broken is Failed: The primary container" in failed.err
    slow = cli(
        "endpoint-config", "deploy", "--endpoint-name", "slow", "--endpoint-config-name", "churn-prod-config",
        "--wait", "--timeout", "0.3", "--interval", "0.1", environ={"IRCLI_SIM_SPEED": "realtime"}, expect=124,
    )  # fmt: skip
    assert slow.code == 124 and "still Creating" in slow.err


def test_logs_show_a_jobs_execution_log(cli: CliRunner) -> None:
    assert cli("create-job", "--cli-input-yaml", DEFAULT).code == 0
    shown = cli("logs", "xgboost-default", "--output", "json").json
    messages = [event["message"] for event in shown["events"]]
    assert messages[0].startswith("Inference recommendations job xgboost-default created: Default job")
    assert messages[-1].startswith("Job xgboost-default COMPLETED")
    table = cli("logs", "xgboost-default", "--output", "table", width=160).out
    assert "Execution log" in table and "MaxInvocations" in table
    followed = cli("logs", "xgboost-default", "--follow", "--output", "text")
    assert followed.code == 0 and followed.out.count("\n") == len(messages)
    missing = cli("logs", "nope", expect=254)
    assert missing.code == 254 and "The specified log stream does not exist." in missing.err
