"""A deployment script of the kind ircli's simulator is for: it reads a finished Inference Recommender job,
picks the cheapest recommendation whose model latency meets a bound, writes the endpoint configuration for
it, and records the decision (in S3 when asked). It knows nothing of ircli: only boto3.

    python deploy.py JOB_NAME --model MODEL --config CONFIG_NAME --max-latency-ms 100 [--record s3://bucket/key]
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import boto3


class NoRecommendation(Exception):
    """No recommendation of the job meets the latency bound."""


def choose(job: dict[str, Any], max_latency_ms: float) -> dict[str, Any]:
    """The cheapest real-time recommendation whose ModelLatency is within the bound."""
    candidates = [
        recommendation
        for recommendation in job.get("InferenceRecommendations", [])
        if "InstanceType" in recommendation["EndpointConfiguration"]
        and recommendation["Metrics"]["ModelLatency"] <= max_latency_ms
    ]
    if not candidates:
        raise NoRecommendation(f"no recommendation of {job['JobName']} has a model latency within {max_latency_ms} ms")
    return min(candidates, key=lambda recommendation: recommendation["Metrics"]["CostPerHour"])


def deploy(job_name: str, model: str, config: str, max_latency_ms: float, record: str | None = None) -> dict[str, Any]:
    sagemaker = boto3.client("sagemaker")
    job = sagemaker.describe_inference_recommendations_job(JobName=job_name)
    if job["Status"] != "COMPLETED":
        raise NoRecommendation(f"{job_name} is {job['Status']}, not COMPLETED")
    chosen = choose(job, max_latency_ms)
    endpoint = chosen["EndpointConfiguration"]
    sagemaker.create_endpoint_config(
        EndpointConfigName=config,
        ProductionVariants=[
            {
                "VariantName": "primary",
                "ModelName": model,
                "InstanceType": endpoint["InstanceType"],
                "InitialInstanceCount": endpoint.get("InitialInstanceCount", 1),
            }
        ],
    )
    decision = {
        "job": job_name,
        "config": config,
        "instanceType": endpoint["InstanceType"],
        "instanceCount": endpoint.get("InitialInstanceCount", 1),
        "costPerHour": chosen["Metrics"]["CostPerHour"],
        "modelLatencyMs": chosen["Metrics"]["ModelLatency"],
        "recommendationId": chosen.get("RecommendationId"),
    }
    if record:
        bucket, _, key = record.removeprefix("s3://").partition("/")
        boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=json.dumps(decision).encode())
    return decision


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("job")
    parser.add_argument("--model", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--max-latency-ms", type=float, required=True)
    parser.add_argument("--record")
    args = parser.parse_args(argv)
    try:
        decision = deploy(args.job, args.model, args.config, args.max_latency_ms, args.record)
    except NoRecommendation as exc:
        print(f"deploy: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(decision))
    return 0


if __name__ == "__main__":
    sys.exit(main())
