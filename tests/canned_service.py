"""A stand-in for the real service on loopback: answers each JSON 1.1 operation from a function of the
operation and its request, so the aws backend can be run against recorded or odd but legal answers; and
one recorded answer of the real service (AWS's XGBoost notebook, December 2021)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = Callable[[str, dict[str, Any]], dict[str, Any]]
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def _handler(answer: Answer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            operation = self.headers["X-Amz-Target"].split(".")[-1]
            try:
                body, status = answer(operation, request), 200
            except KeyError:
                body, status = {"__type": "UnknownOperationException", "message": operation}, 400
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            pass

    return Handler


@contextmanager
def canned_service(answer: Answer, region: str = "us-east-1") -> Iterator[list[str]]:
    """The global options that point ircli's aws backend at the stand-in."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(answer))
    # A short poll: shutting the server down waits for it, once per test.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield ["--backend", "aws", "--region", region, "--endpoint-url", f"http://127.0.0.1:{server.server_address[1]}"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


ROLE = "arn:aws:iam::123456789012:role/ircli-test"
CREATED = datetime(2021, 12, 10, 18, 2, 11, tzinfo=timezone.utc).timestamp()


def recorded_recommendation(
    identifier: str, instance: str, cost: float, per_inference: float, invocations: int, latency: int
) -> Any:
    return {
        "RecommendationId": f"xgb-recorded/{identifier}",
        "Metrics": {
            "CostPerHour": cost,
            "CostPerInference": per_inference,
            "MaxInvocations": invocations,
            "ModelLatency": latency,
            "CpuUtilization": "NaN",
            "MemoryUtilization": "NaN",
        },
        "EndpointConfiguration": {
            "EndpointName": f"sm-epc-{instance}",
            "VariantName": f"sm-epc-{instance}",
            "InstanceType": instance,
            "InitialInstanceCount": 1,
        },
        "ModelConfiguration": {"EnvironmentParameters": []},
    }


# The figures AWS's xgboost-inference-recommender notebook recorded from the service (us-east-2).
RECORDED_JOB = {
    "JobName": "xgb-recorded",
    "JobType": "Default",
    "JobArn": "arn:aws:sagemaker:us-east-2:123456789012:inference-recommendations-job/xgb-recorded",
    "RoleArn": ROLE,
    "Status": "COMPLETED",
    "CreationTime": CREATED,
    "CompletionTime": CREATED + 2400,
    "LastModifiedTime": CREATED + 2400,
    "InputConfig": {"ModelPackageVersionArn": "arn:aws:sagemaker:us-east-2:123456789012:model-package/xgb/1"},
    "InferenceRecommendations": [
        recorded_recommendation("5b2c1f0a", "ml.m4.2xlarge", 0.47999998927116394, 3.146633e-07, 25424, 69),
        recorded_recommendation("9d1e7c43", "ml.c5.xlarge", 0.20399999618530273, 1.827564e-07, 18604, 53),
    ],
}


def scaling_answer(request: dict[str, Any]) -> dict[str, Any]:
    recommendation = next(
        r for r in RECORDED_JOB["InferenceRecommendations"] if r["RecommendationId"] == request["RecommendationId"]
    )
    per_instance = recommendation["Metrics"]["MaxInvocations"]
    return {
        "InferenceRecommendationsJobName": "xgb-recorded",
        "RecommendationId": request["RecommendationId"],
        "TargetCpuUtilizationPerCore": 50,
        "Metric": {"InvocationsPerInstance": per_instance, "ModelLatency": recommendation["Metrics"]["ModelLatency"]},
        "DynamicScalingConfiguration": {
            "MinCapacity": 1,
            "MaxCapacity": 4,
            "ScaleInCooldown": 300,
            "ScaleOutCooldown": 300,
            "ScalingPolicies": [
                {
                    "TargetTracking": {
                        "MetricSpecification": {
                            "Predefined": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"}
                        },
                        "TargetValue": per_instance / 2,
                    }
                }
            ],
        },
    }


def recorded_answer(operation: str, request: dict[str, Any]) -> dict[str, Any]:
    return {
        "DescribeInferenceRecommendationsJob": lambda: RECORDED_JOB,
        "GetScalingConfigurationRecommendation": lambda: scaling_answer(request),
    }[operation]()
