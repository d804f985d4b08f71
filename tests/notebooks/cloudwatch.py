"""The `cloudwatch.py` helper AWS's notebooks import (`from cloudwatch import get_endpoint_metrics`).

Rewritten from aws/amazon-sagemaker-examples at da71d05c06bfe62c03873a57147b3a23006bbf68,
sagemaker-inference-recommender/tensorflow-cloudwatch/cloudwatch.py (the same file as python-sdk/cloudwatch.py
and, at 2d519b52c3a2c2361f2b87f0d3de46fd6c0232a5, archived/pytorch_triton_inference_recommender/cloudwatch.py):
the same GetMetricStatistics calls per recommendation (EndpointName + VariantName, the job's CreationTime to
LastModifiedTime, Period 60, a Unit, Sum / Maximum / ExtendedStatistics p99) in the same order, the same
parsing of the datapoints and the same 3x3 figure, its nine panels drawn by one loop instead of nine copies.
It also counts the datapoints each call returned (DATAPOINTS), for the script's summary.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any

import matplotlib.gridspec as gridspec
import matplotlib.pyplot as plt
import pandas as pd

endpoint_metrics = {
    "Invocation4XXErrors": {"Unit": "None", "Statistics": "Sum", "ExtendedStatistics": "None", "Period": 60,
                            "Namespace": "AWS/SageMaker"},
    "Invocation5XXErrors": {"Unit": "None", "Statistics": "Sum", "ExtendedStatistics": "None", "Period": 60,
                            "Namespace": "AWS/SageMaker"},
    "Invocations": {"Unit": "None", "Statistics": "Sum", "ExtendedStatistics": "None", "Period": 60,
                    "Namespace": "AWS/SageMaker"},
    "InvocationsPerInstance": {"Unit": "None", "Statistics": "Sum", "ExtendedStatistics": "None", "Period": 60,
                               "Namespace": "AWS/SageMaker"},
    "ModelLatency": {"Unit": "Microseconds", "Statistics": "None", "ExtendedStatistics": "p99", "Period": 60,
                     "Namespace": "AWS/SageMaker"},
    "OverheadLatency": {"Unit": "Microseconds", "Statistics": "None", "ExtendedStatistics": "p99", "Period": 60,
                        "Namespace": "AWS/SageMaker"},
    "CPUUtilization": {"Unit": "Percent", "Statistics": "Maximum", "ExtendedStatistics": "None", "Period": 60,
                       "Namespace": "/aws/sagemaker/Endpoints"},
    "MemoryUtilization": {"Unit": "Percent", "Statistics": "Maximum", "ExtendedStatistics": "None", "Period": 60,
                          "Namespace": "/aws/sagemaker/Endpoints"},
    "GPUUtilization": {"Unit": "Percent", "Statistics": "Maximum", "ExtendedStatistics": "None", "Period": 60,
                       "Namespace": "/aws/sagemaker/Endpoints"},
    "GPUMemoryUtilization": {"Unit": "Percent", "Statistics": "Maximum", "ExtendedStatistics": "None", "Period": 60,
                             "Namespace": "/aws/sagemaker/Endpoints"},
    "DiskUtilization": {"Unit": "Percent", "Statistics": "Maximum", "ExtendedStatistics": "None", "Period": 60,
                        "Namespace": "/aws/sagemaker/Endpoints"},
}  # fmt: skip

# The panels of get_endpoint_metrics' figure, in its order: (metric, the datapoint member it plots, extended?).
PANELS = [
    ("Invocations", "Sum", False),
    ("ModelLatency", "p99", True),
    ("OverheadLatency", "p99", True),
    ("CPUUtilization", "Maximum", False),
    ("MemoryUtilization", "Maximum", False),
    ("DiskUtilization", "Maximum", False),
    ("Invocation4XXErrors", "Sum", False),
    ("Invocation5XXErrors", "Sum", False),
    ("InvocationsPerInstance", "Sum", False),
]

DATAPOINTS: dict[str, dict[str, int]] = {}  # endpoint name -> metric -> datapoints returned
PEAKS: dict[str, dict[str, float]] = {}  # endpoint name -> metric -> the largest value plotted


def get_inference_recommender_job_details(client: Any, job_name: str) -> Any:
    return client.describe_inference_recommendations_job(JobName=job_name)


def get_job_results_as_dataframe(client: Any, job_name: str) -> pd.DataFrame:
    job_details = get_inference_recommender_job_details(client, job_name)
    if job_details["Status"] != "COMPLETED":
        print(f"Job {job_name} is in {job_details['Status']} status, we can plot only completed jobs")
        sys.exit(0)
    columns: dict[str, list[Any]] = {
        k: []
        for k in (
            "InstanceType",
            "MaximumInvocations",
            "ModelLatency",
            "CostPerHour",
            "CostPerInference",
            "EndpointName",
            "VariantName",
            "InitialCount",
            "EnvParameters",
        )
    }
    for endpoint_configuration in job_details["InferenceRecommendations"]:
        configuration, metrics = endpoint_configuration["EndpointConfiguration"], endpoint_configuration["Metrics"]
        columns["EndpointName"].append(configuration["EndpointName"])
        columns["VariantName"].append(configuration["VariantName"])
        columns["InstanceType"].append(configuration["InstanceType"])
        columns["InitialCount"].append(int(configuration["InitialInstanceCount"]))
        columns["CostPerHour"].append(Decimal(metrics["CostPerHour"]))
        columns["CostPerInference"].append(Decimal(metrics["CostPerInference"]))
        columns["MaximumInvocations"].append(int(metrics["MaxInvocations"]))
        columns["ModelLatency"].append(int(metrics["ModelLatency"]))
        columns["EnvParameters"].append(endpoint_configuration["ModelConfiguration"]["EnvironmentParameters"])
    if len(columns["EndpointName"]) == 0:
        print(f"No endpoint recommendations for {job_name}")
        sys.exit(-1)
    return pd.DataFrame(
        {**columns, "StartTime": job_details["CreationTime"], "EndTime": job_details["LastModifiedTime"]}
    )


def get_cw_metrics(
    cw_client: Any, endpoint_name: str, variant_name: str, metrics_name: str, start_time: Any, end_time: Any
) -> Any:
    metric = endpoint_metrics[metrics_name]
    common = {
        "Namespace": metric["Namespace"],
        "MetricName": metrics_name,
        "Dimensions": [
            {"Name": "EndpointName", "Value": endpoint_name},
            {"Name": "VariantName", "Value": variant_name},
        ],
        "StartTime": start_time,
        "EndTime": end_time,
        "Period": metric["Period"],
        "Unit": metric["Unit"],
    }
    if metric["Statistics"] != "None":
        return cw_client.get_metric_statistics(**common, Statistics=[metric["Statistics"]])
    if metric["ExtendedStatistics"] != "None":
        return cw_client.get_metric_statistics(**common, ExtendedStatistics=[metric["ExtendedStatistics"]])
    print("Both ExtendedStatistics & Statistics are None")
    sys.exit(0)


def get_x_from_datapoints(datapoints: list[Any]) -> list[Any]:
    return [datapoint["Timestamp"] for datapoint in datapoints]


def get_y_from_datapoints(datapoints: list[Any], metric_statistics: str) -> list[Any]:
    return [datapoint[metric_statistics] for datapoint in datapoints]


def get_y_from_extended_datapoints(datapoints: list[Any], metric_statistics: str) -> list[Any]:
    return [datapoint["ExtendedStatistics"][metric_statistics] for datapoint in datapoints]


def get_unit_from_datapoints(datapoints: list[Any]) -> Any:
    for datapoint in datapoints:
        return datapoint["Unit"]
    return None


def sort_cw_datapoints_by_timestamp(datapoints: list[Any]) -> list[Any]:
    datapoints.sort(key=lambda x: x["Timestamp"])
    return datapoints


def get_endpoint_metrics(
    sm_client: Any, cw_client: Any, region: str, job_name: str, include_plots: bool = False
) -> pd.DataFrame:
    df = get_job_results_as_dataframe(sm_client, job_name)
    pd.set_option("display.max_rows", None)
    pd.set_option("display.max_columns", None)
    pd.set_option("display.width", 1000)
    pd.set_option("display.colheader_justify", "center")
    pd.set_option("display.precision", 3)
    for record in df.to_dict("records"):
        if include_plots:
            fig = plt.figure(figsize=(20, 16), constrained_layout=True)
            fig.suptitle(f"Instance type {record['InstanceType']} Endpoint {record['EndpointName']}", fontsize=16)
            spec = gridspec.GridSpec(ncols=3, nrows=3, figure=fig)
            axes = [fig.add_subplot(spec[row, column]) for row in range(3) for column in range(3)]
        for index, (name, statistic, extended) in enumerate(PANELS):
            data = get_cw_metrics(
                cw_client, record["EndpointName"], record["VariantName"], name, record["StartTime"], record["EndTime"]
            )
            datapoints = sort_cw_datapoints_by_timestamp(data["Datapoints"])
            read = get_y_from_extended_datapoints if extended else get_y_from_datapoints
            values = read(datapoints, statistic)
            DATAPOINTS.setdefault(record["EndpointName"], {})[name] = len(datapoints)
            PEAKS.setdefault(record["EndpointName"], {})[name] = max(values, default=0.0)
            if include_plots:
                axes[index].set_title(name)
                axes[index].set_ylabel("No of Invocations" if index == 0 else get_unit_from_datapoints(datapoints))
                axes[index].plot(get_x_from_datapoints(datapoints), values)
    if include_plots:
        plt.show()
    return df
