"""The in-process mock's cost per create-describe cycle: a Default recommendation job at instant speed under
`ircli.testing.mock_ircli`, against the same kind of calls under moto's `mock_aws` for an operation moto
serves (CreateModel then DescribeModel), in this process, in the same run (the issue's figure: at most 2x).

    python benchmarks/in_process.py [CYCLES]

Each mock gets its own boto3 client, made once and warmed by a first cycle; the two are measured alternately,
five rounds each, and the best round of each is reported (the machine is shared: the best is the least
disturbed). ircli's CreateModel/DescribeModel cycle is shown too, the same calls as moto's.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
CONTAINER = {"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"}
ROUNDS = 5


def client() -> Any:
    import boto3

    return boto3.client(
        "sagemaker", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def job_cycle(sagemaker: Any, index: int) -> None:
    name = f"bench-job-{index}"
    sagemaker.create_inference_recommendations_job(
        JobName=name, JobType="Default", RoleArn=ROLE, InputConfig={"ModelName": "churn-xgboost"}
    )
    assert sagemaker.describe_inference_recommendations_job(JobName=name)["Status"] == "COMPLETED"


def model_cycle(sagemaker: Any, index: int) -> None:
    name = f"bench-model-{index}"
    sagemaker.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer=CONTAINER)
    assert sagemaker.describe_model(ModelName=name)["ModelName"] == name


def per_cycle_ms(cycle: Callable[[Any, int], None], sagemaker: Any, cycles: int, start: int) -> float:
    began = time.perf_counter()
    for index in range(start, start + cycles):
        cycle(sagemaker, index)
    return (time.perf_counter() - began) * 1000 / cycles


def measure(cycles: int) -> dict[str, float]:
    from moto import mock_aws

    from ircli.testing import mock_ircli

    best: dict[str, float] = {}
    runs: list[tuple[str, Any, Callable[[Any, int], None]]] = [
        ("ircli Default job create+describe", mock_ircli, job_cycle),
        ("moto CreateModel+DescribeModel", mock_aws, model_cycle),
        ("ircli CreateModel+DescribeModel", mock_ircli, model_cycle),
    ]
    for round_number in range(ROUNDS):
        for name, mock, cycle in runs:
            with mock():
                sagemaker = client()
                cycle(sagemaker, 10**6)  # the first call loads the service's code and models: not a cycle's cost
                figure = per_cycle_ms(cycle, sagemaker, cycles, round_number * cycles)
            best[name] = min(best.get(name, figure), figure)
    return best


def main() -> int:
    cycles = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    os.environ.pop("AWS_ENDPOINT_URL", None)
    best = measure(cycles)
    ircli, moto = best["ircli Default job create+describe"], best["moto CreateModel+DescribeModel"]
    print(f"| in process, {cycles} cycles, best of {ROUNDS} | ms per cycle |")
    print("|---|---|")
    for name, figure in best.items():
        print(f"| {name} | {figure:.2f} |")
    print(f"\nircli's Default job cycle costs {ircli / moto:.2f}x moto's CreateModel cycle (target: at most 2x)")
    return 0 if ircli <= 2 * moto else 1


if __name__ == "__main__":
    sys.exit(main())
