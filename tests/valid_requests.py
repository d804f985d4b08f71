"""One valid request per operation, as a base for mutation tests."""

from __future__ import annotations

from typing import Any

ROLE = "arn:aws:iam::123456789012:role/SageMakerInferenceRecommender"

VALID_REQUESTS: dict[str, dict[str, Any]] = {
    "CreateInferenceRecommendationsJob": {
        "JobName": "job-1",
        "JobType": "Advanced",
        "RoleArn": ROLE,
        "InputConfig": {
            "ModelName": "churn-xgboost",
            "JobDurationInSeconds": 7200,
            "TrafficPattern": {
                "TrafficType": "PHASES",
                "Phases": [{"InitialNumberOfUsers": 1, "SpawnRate": 1, "DurationInSeconds": 120}],
            },
            "ResourceLimit": {"MaxNumberOfTests": 2, "MaxParallelOfTests": 1},
            "EndpointConfigurations": [
                {
                    "InstanceType": "ml.c5.xlarge",
                    "EnvironmentParameterRanges": {
                        "CategoricalParameterRanges": [{"Name": "OMP_NUM_THREADS", "Value": ["1", "2"]}]
                    },
                },
                {"ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}},
            ],
            "ContainerConfig": {
                "Domain": "MACHINE_LEARNING",
                "Framework": "XGBOOST",
                "PayloadConfig": {
                    "SamplePayloadUrl": "s3://bucket/payload.tar.gz",
                    "SupportedContentTypes": ["text/csv"],
                },
            },
        },
        "StoppingConditions": {
            "MaxInvocations": 1000,
            "FlatInvocations": "Stop",
            "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 100}],
        },
        "Tags": [{"Key": "team", "Value": "ml"}],
    },
    "DescribeInferenceRecommendationsJob": {"JobName": "job-1"},
    "ListInferenceRecommendationsJobs": {
        "NameContains": "job",
        "StatusEquals": "COMPLETED",
        "MaxResults": 10,
        "SortBy": "CreationTime",
        "SortOrder": "Descending",
        "CreationTimeAfter": "2024-01-01T00:00:00Z",
    },
    "ListInferenceRecommendationsJobSteps": {
        "JobName": "job-1",
        "Status": "COMPLETED",
        "StepType": "BENCHMARK",
        "MaxResults": 10,
    },
    "StopInferenceRecommendationsJob": {"JobName": "job-1"},
    "GetScalingConfigurationRecommendation": {
        "InferenceRecommendationsJobName": "job-1",
        "RecommendationId": "job-1/abcd1234",
        "TargetCpuUtilizationPerCore": 50,
        "ScalingPolicyObjective": {"MinInvocationsPerMinute": 10, "MaxInvocationsPerMinute": 1000},
    },
    "CreateEndpointConfig": {
        "EndpointConfigName": "config-1",
        "ProductionVariants": [
            {
                "VariantName": "AllTraffic",
                "ModelName": "churn-xgboost",
                "InstanceType": "ml.c5.large",
                "InitialInstanceCount": 1,
                "InitialVariantWeight": 1.0,
            },
            {
                "VariantName": "Serverless",
                "ModelName": "churn-xgboost",
                "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 10, "ProvisionedConcurrency": 2},
            },
        ],
    },
    "DescribeEndpointConfig": {"EndpointConfigName": "config-1"},
    "DeleteEndpointConfig": {"EndpointConfigName": "config-1"},
    "CreateEndpoint": {"EndpointName": "endpoint-1", "EndpointConfigName": "config-1"},
    "DescribeEndpoint": {"EndpointName": "endpoint-1"},
    "DeleteEndpoint": {"EndpointName": "endpoint-1"},
    "UpdateEndpointWeightsAndCapacities": {
        "EndpointName": "endpoint-1",
        "DesiredWeightsAndCapacities": [
            {"VariantName": "Serverless", "ServerlessUpdateConfig": {"MaxConcurrency": 10, "ProvisionedConcurrency": 4}}
        ],
    },
}
