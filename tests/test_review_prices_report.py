"""Review findings on prices, the report's load curves, shared options and the baseline rule: each test
reproduces one finding (it failed before the fix) and pins the behaviour that replaced it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, CliRunner

SERVED = "ircli simulator's Price List API (ircli catalog), us-east-1, 2026-11"


@pytest.mark.slow  # a server thread
def test_served_simulator_prices_say_so_and_are_cached_apart_from_other_pricing_endpoints(
    cli: CliRunner, tmp_path: Path
) -> None:
    """Finding 8: the served simulator's catalog was cached as AWS's, labelled "Price List API", and reused by
    a later run whose pricing endpoint was another one."""
    from ircli.simulator.models import Simulator
    from ircli.simulator.server import serve_in_thread
    from ircli.simulator.store import Store
    from tests.test_prices_served import KEYS, closed_port, url_of

    running, thread = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    try:
        environ = {**KEYS, "AWS_MAX_ATTEMPTS": "1", "IRCLI_SIM_CLOCK": "1796083200"}
        remote = ["--backend", "aws", "--region", "us-east-1", "--endpoint-url", url_of(running)]
        job = str(EXAMPLES / "default-job.yaml")
        assert cli(*remote, "create-job", "--cli-input-yaml", job, environ=environ).code == 0
        ranked = cli(*remote, "rank-recommendations", "xgboost-default", "--output", "json", environ=environ)
        assert {r["PriceSource"] for r in ranked.json} == {SERVED}
        aws_cache = Path(os.environ["IRCLI_HOME"]) / "cache" / "prices" / "aws"
        assert not (aws_cache / "us-east-1.json").exists() and not (aws_cache / "default").exists()
        # Another pricing endpoint (here one refusing connections) is asked, not answered from the cache.
        other = {
            **environ,
            "AWS_ENDPOINT_URL": url_of(running),
            "AWS_ENDPOINT_URL_PRICING": f"http://127.0.0.1:{closed_port()}",
        }
        again = cli("--backend", "aws", "--region", "us-east-1", "rank-recommendations", "xgboost-default",
                    "--output", "json", environ=other)  # fmt: skip
        assert "The Price List API could not be reached" in again.err
        assert all(r["PriceSource"].startswith("ircli catalog (us-east-1, published 2026-11") for r in again.json)
    finally:
        running.shutdown()
        running.server_close()
        thread.join(timeout=5)
