"""Testing your own code against the simulator: in process like moto (`mock_ircli`), served on a loopback
port (`serve_ircli`), and as pytest fixtures (`ircli.testing.plugin`, registered through the `pytest11`
entry point: `ircli_mock`, `ircli_server`, the `ircli_speed` marker).

    from ircli.testing import mock_ircli

    with mock_ircli() as mock:                      # fresh state, instant speed, fake credentials
        sm = boto3.client("sagemaker", region_name="us-east-1")
        sm.create_inference_recommendations_job(...)
        sm.describe_inference_recommendations_job(JobName=...)["Status"]   # "COMPLETED"

Its names are imported on first use, so that pytest loading the plugin loads neither botocore nor the
simulator until a test asks for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ircli.testing.checks import running_jobs
    from ircli.testing.clock import MockClock
    from ircli.testing.mock import IrcliMock, mock_ircli, patch_client
    from ircli.testing.served import ServedSimulator, serve_ircli

__all__ = [
    "IrcliMock",
    "MockClock",
    "ServedSimulator",
    "mock_ircli",
    "patch_client",
    "running_jobs",
    "serve_ircli",
]

_WHERE = {
    "IrcliMock": "ircli.testing.mock",
    "mock_ircli": "ircli.testing.mock",
    "patch_client": "ircli.testing.mock",
    "running_jobs": "ircli.testing.checks",
    "MockClock": "ircli.testing.clock",
    "ServedSimulator": "ircli.testing.served",
    "serve_ircli": "ircli.testing.served",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'ircli.testing' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
