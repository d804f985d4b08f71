"""The registry keyed by (service, operation): what it derives from botocore's models stays what the
installed botocore says, and names resolve by key, `service:Operation` or an unambiguous bare name."""

from __future__ import annotations

from pathlib import Path

import pytest

from ircli import operations
from ircli.operations import OPERATIONS, Operation, OperationKey, Service, find, resolve_operation
from tools import generate_registry


def test_the_service_models_module_is_what_botocore_gives() -> None:
    assert generate_registry.OUT.read_text("utf-8") == generate_registry.render()
    assert generate_registry.main(["--check"]) == 0


def test_check_mode_reports_drift(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    drifted = tmp_path / "service_models.py"
    drifted.write_text(generate_registry.render().replace("Logs_20140328", "Logs"), "utf-8")
    monkeypatch.setattr(generate_registry, "OUT", drifted)
    assert generate_registry.main(["--check"]) == 1


def test_what_botocore_states_is_read_from_its_models() -> None:
    import botocore.session

    session = botocore.session.get_session()
    for service in Service:
        metadata = session.get_service_model(service.value).metadata
        assert service.model.target_prefix == metadata.get("targetPrefix")
        assert service.model.protocols[0] == metadata["protocol"]
    assert Service.LOGS.model.endpoint_variable == "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"
    assert Service.AUTOSCALING.model.endpoint_variable == "AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING"
    assert Service.RUNTIME.model.endpoint_variable == "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME"
    assert find("FilterLogEvents").result_key == "events"
    assert find("DescribeEndpoint").result_key is None


def test_every_operation_states_whether_it_changes_state() -> None:
    changes = {key.name for key, operation in OPERATIONS.items() if operation.changes}
    assert {"CreateModel", "StopInferenceRecommendationsJob", "PutScalingPolicy", "AddTags"} <= changes
    assert not changes & {"DescribeEndpoint", "ListTags", "GetLogEvents", "InvokeEndpoint"}


def test_names_resolve_by_key_service_prefix_or_unambiguous_name(monkeypatch: pytest.MonkeyPatch) -> None:
    key = OperationKey(Service.LOGS, "GetLogEvents")
    assert find(key).key == key
    assert find("logs:GetLogEvents").key == key
    assert find("GetLogEvents").key == key
    assert resolve_operation("logs:getlogevents") == key
    assert resolve_operation("create-job") == OperationKey(Service.SAGEMAKER, "CreateInferenceRecommendationsJob")
    with pytest.raises(KeyError):
        find("sagemaker:GetLogEvents")
    # The same name in two services: the bare name is refused with both keys named; each key still works.
    twin = Operation(Service.AUTOSCALING, "GetLogEvents", operations.Effect.READ)
    monkeypatch.setitem(OPERATIONS, twin.key, twin)
    monkeypatch.setitem(operations._BY_NAME, "GetLogEvents", [find(key), twin])
    with pytest.raises(KeyError, match="logs:GetLogEvents, application-autoscaling:GetLogEvents"):
        find("GetLogEvents")
    assert resolve_operation("GetLogEvents") is None
    assert find("application-autoscaling:GetLogEvents") is twin
    assert key.reference == "logs:GetLogEvents"


# -- the simulator's resources: typed attributes, made on first use ---------------------------------------

DESCRIBE_PROBE = """
import sys
from pathlib import Path
from ircli.simulator.models import Simulator
from ircli.simulator.store import Store
simulator = Simulator(Store(Path(sys.argv[1])), speed="instant")
print(simulator.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "lazy"})["Status"])
print(" ".join(sorted(m for m in sys.modules if m.startswith("ircli.simulator."))))
"""


@pytest.mark.slow  # it starts a process
def test_describing_a_job_loads_neither_the_performance_model_nor_the_other_services(tmp_path: Path) -> None:
    import subprocess
    import sys

    from ircli.simulator.models import Simulator
    from ircli.simulator.store import Store
    from tests.valid_requests import VALID_REQUESTS

    request = {**VALID_REQUESTS["CreateInferenceRecommendationsJob"], "JobName": "lazy"}
    Simulator(Store(tmp_path), speed="instant").dispatch("CreateInferenceRecommendationsJob", request)
    result = subprocess.run(
        [sys.executable, "-c", DESCRIBE_PROBE, str(tmp_path)], capture_output=True, text=True, timeout=60, check=True
    )
    status, loaded = result.stdout.splitlines()
    assert status == "COMPLETED"
    modules = set(loaded.split())
    assert "ircli.simulator.sagemaker.jobs" in modules
    assert not modules & {
        "ircli.simulator.sagemaker.perf",
        "ircli.simulator.logs.log_streams",
        "ircli.simulator.application_autoscaling.scalable_targets",
    }
