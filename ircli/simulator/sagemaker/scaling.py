"""Scaling recommendations for a completed job's recommendation or benchmarked endpoint."""

from __future__ import annotations

from typing import Any

from ircli.lib.scaling import scaling_configuration
from ircli.operations import Service
from ircli.simulator.exceptions import ResourceNotFound, ValidationException
from ircli.simulator.resource import Resource, handles


class Scaling(Resource):
    @handles(Service.SAGEMAKER, "GetScalingConfigurationRecommendation")
    def scaling_recommendation(self, request: dict[str, Any]) -> dict[str, Any]:
        job_name = request["InferenceRecommendationsJobName"]
        described = self.sim.jobs.describe_job({"JobName": job_name})
        if described["Status"] != "COMPLETED":
            raise ValidationException(
                f"Inference recommendations job {job_name} is {described['Status']}; scaling recommendations "
                "need a COMPLETED job."
            )
        target_cpu = request.get("TargetCpuUtilizationPerCore", 50)
        recommendations = described.get("InferenceRecommendations", [])
        if "RecommendationId" in request:
            match = [r for r in recommendations if r["RecommendationId"] == request["RecommendationId"]]
            if not match:
                raise ResourceNotFound(f"Recommendation {request['RecommendationId']} is not part of job {job_name}.")
        else:
            # "The name of an endpoint benchmarked during a previously completed Inference Recommender job. ...
            # Should come from one of the recommendations returned by the job" (API reference): a
            # recommendation's own EndpointConfiguration.EndpointName, or an existing endpoint the job measured.
            match = [
                r for r in recommendations if r["EndpointConfiguration"].get("EndpointName") == request["EndpointName"]
            ]
        if match:
            recommendation = match[0]
            label = request.get("RecommendationId", request.get("EndpointName"))
            if "ServerlessConfig" in recommendation["EndpointConfiguration"]:
                raise ValidationException(
                    f"Scaling recommendations are available for instance-based recommendations only; {label} is "
                    "serverless."
                )
            count = recommendation["EndpointConfiguration"]["InitialInstanceCount"]
            total, latency = recommendation["Metrics"]["MaxInvocations"], recommendation["Metrics"]["ModelLatency"]
        else:
            performances = [
                p
                for p in described.get("EndpointPerformances", [])
                if p["EndpointInfo"]["EndpointName"] == request["EndpointName"]
            ]
            if not performances:
                raise ResourceNotFound(f"Endpoint {request['EndpointName']} was not benchmarked by job {job_name}.")
            endpoint = self.sim.endpoints.materialized_endpoint(request["EndpointName"])
            count = max(1, endpoint["variants"][0].get("instance_count") or 1)
            total, latency = performances[0]["Metrics"]["MaxInvocations"], performances[0]["Metrics"]["ModelLatency"]
        response: dict[str, Any] = {"InferenceRecommendationsJobName": job_name}
        for key in ("RecommendationId", "EndpointName", "ScalingPolicyObjective"):
            if key in request:
                response[key] = request[key]
        response["TargetCpuUtilizationPerCore"] = target_cpu
        response.update(scaling_configuration(total, count, latency, target_cpu, request.get("ScalingPolicyObjective")))
        return response
