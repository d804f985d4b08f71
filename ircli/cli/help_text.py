"""What every command's help ends with: one to three real examples, the members only a file can set, and
where the global options are. Kept apart from the commands so that help reads as one text; a test checks
that every command has examples and that each names options the command has."""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "create-job": (
        "ircli create-job --cli-input-yaml examples/default-job.yaml --wait",
        "ircli create-job --model-name churn-xgboost --role-arn arn:aws:iam::123456789012:role/R "
        "--supported-instance-type ml.c5.large --supported-instance-type ml.m5.large --dry-run",
        "ircli create-job --interactive",
    ),
    "describe-job": (
        "ircli describe-job xgboost-default",
        "ircli describe-job xgboost-default --rank-by cost=high --max-latency-ms 50 --refresh-prices --chart",
        "ircli describe-job xgboost-default --output json --query 'InferenceRecommendations[].Metrics'",
    ),
    "list-jobs": (
        "ircli list-jobs --status-equals COMPLETED",
        "ircli list-jobs --max-items 20 --output text",
    ),
    "list-steps": ("ircli list-steps xgboost-default", "ircli list-steps xgboost-default --status FAILED"),
    "stop-job": ("ircli stop-job xgboost-default",),
    "wait": ("ircli wait xgboost-default --timeout 3600",),
    "logs": ("ircli logs xgboost-default", "ircli logs xgboost-default --follow"),
    "metrics": (
        "ircli metrics xgboost-default",
        "ircli metrics xgboost-default --metric Invocations --metric ModelLatency --stat p99",
        "ircli metrics existing-endpoint-check --endpoint churn-prod --datapoints --output csv",
    ),
    "scaling-recommendation": (
        "ircli scaling-recommendation --job-name xgboost-default --recommendation-id xgboost-default/33fb9e7b",
        "ircli scaling-recommendation --job-name xgboost-default --recommendation-id xgboost-default/33fb9e7b "
        "--emit application-autoscaling --target-endpoint-name churn",
    ),
    "rank-recommendations": (
        "ircli rank-recommendations xgboost-default",
        "ircli rank-recommendations xgboost-default --rank-by cost=highest,latency=low --top 3",
    ),
    "compare-jobs": ("ircli compare-jobs baseline candidate --fail-on-regression 10",),
    "cost-estimate": (
        "ircli cost-estimate xgboost-default --average-per-minute 20000 --peak-per-minute 60000",
        "ircli cost-estimate xgboost-default --traffic-profile examples/traffic-day.csv --max-latency-ms 25",
        "ircli cost-estimate xgboost-default --average-per-minute 20000 --peak-per-minute 60000 --output json",
    ),
    "load-test": (
        "ircli load-test --url http://127.0.0.1:8080 --payload payload.tar.gz --content-type text/csv "
        "--stairs DurationInSeconds=120,NumberOfSteps=4,UsersPerStep=2 --model-latency-threshold P95=100",
        "ircli load-test --cli-input-yaml examples/advanced-phases.yaml --endpoint-name my-endpoint "
        "--payload payload.tar.gz --workers 2",
        "ircli load-test --worker --master-host 10.0.0.5 --master-port 5557",
    ),
    "report": (
        "ircli report xgboost-default --html report.html",
        "ircli report baseline candidate --html report.html --traffic-profile examples/traffic-day.csv",
        "ircli report --ai-recommendation llama-cost --ai-benchmark llama-bench --html genai.html",
    ),
    "list-endpoints": ("ircli list-endpoints --status-equals InService",),
    "model create": (
        "ircli model create --model-name churn --image 683313688378.dkr.ecr.us-east-1.amazonaws.com/"
        "sagemaker-xgboost:1.7-1 --model-data-url s3://bucket/model.tar.gz --execution-role-arn "
        "arn:aws:iam::123456789012:role/R",
    ),
    "model describe": ("ircli model describe churn-xgboost",),
    "model list": ("ircli model list --name-contains churn",),
    "model delete": ("ircli model delete churn",),
    "model metadata": (
        "ircli model metadata --domain COMPUTER_VISION --framework PYTORCH",
        "ircli model metadata --task CLASSIFICATION --output table",
    ),
    "endpoint-config create": (
        "ircli endpoint-config create --from-recommendation xgboost-default/9309ff62 --model-name churn-xgboost "
        "--endpoint-config-name churn-config",
        "ircli endpoint-config create --cli-input-yaml examples/endpoint-config-instance.yaml",
        "ircli endpoint-config create --from-recommendation xgboost-default/9309ff62 --emit cloudformation "
        "--autoscaling > stack.yaml",
    ),
    "endpoint-config describe": ("ircli endpoint-config describe churn-config",),
    "endpoint-config list": ("ircli endpoint-config list --name-contains churn",),
    "endpoint-config delete": ("ircli endpoint-config delete churn-config",),
    "endpoint-config deploy": (
        "ircli endpoint-config deploy --endpoint-name churn --endpoint-config-name churn-config --wait",
    ),
    "endpoint-config describe-endpoint": ("ircli endpoint-config describe-endpoint churn",),
    "endpoint-config delete-endpoint": ("ircli endpoint-config delete-endpoint churn --wait",),
    "endpoint-config update-capacity": (
        "ircli endpoint-config update-capacity --endpoint-name churn --variant-name AllTraffic "
        "--desired-instance-count 2 --wait",
    ),
    "endpoint-config update-endpoint": (
        "ircli endpoint-config update-endpoint --endpoint-name churn --endpoint-config-name bigger --wait",
    ),
    "schema list": ("ircli schema list",),
    "schema show": ("ircli schema show create-job --output yaml", "ircli schema show describe-job --response"),
    "schema validate": ("ircli schema validate examples/default-job.yaml --operation create-job",),
    "simulator serve": ("ircli simulator serve --port 8787", "IRCLI_SIM_SPEED=instant ircli simulator serve"),
    "simulator status": ("ircli simulator status",),
    "simulator reset": ("ircli simulator reset --yes",),
    "completion": ("ircli completion bash > ~/.ircli-completion.bash", "ircli completion fish --install"),
    "examples list": ("ircli examples list",),
    "examples show": ("ircli examples show default-job > job.yaml",),
    "examples copy": ("ircli examples copy default-job", "ircli examples copy serverless-job requests/ --force"),
    # Generative-AI inference recommendations.
    "ai-workload create": (
        "ircli ai-workload create --name chat --input-tokens-mean 550 --input-tokens-stddev 150 "
        "--output-tokens-mean 150 --concurrency 1 --concurrency 8",
        "ircli ai-workload create --name replay --dataset-s3-uri s3://bucket/prompts.jsonl",
        "ircli ai-workload create --interactive",
    ),
    "ai-workload describe": ("ircli ai-workload describe chat",),
    "ai-workload list": ("ircli ai-workload list --name-contains chat",),
    "ai-workload delete": ("ircli ai-workload delete chat",),
    "ai-recommendation create": (
        "ircli ai-recommendation create --name llama-cost --model-s3-uri s3://bucket/models/llama-3-8b/ "
        "--output-s3-uri s3://bucket/out/ --workload chat --goal cost --instance-type ml.g5.12xlarge "
        "--role-arn arn:aws:iam::123456789012:role/R",
        "ircli ai-recommendation create --cli-input-yaml recommendation.yaml",
        "ircli ai-recommendation create --interactive",
    ),
    "ai-recommendation describe": (
        "ircli ai-recommendation describe llama-cost --curves",
        "ircli ai-recommendation describe llama-cost --output json --query 'Recommendations[0].ModelDetails'",
    ),
    "ai-recommendation list": ("ircli ai-recommendation list --status-equals Completed",),
    "ai-recommendation stop": ("ircli ai-recommendation stop llama-cost",),
    "ai-recommendation delete": ("ircli ai-recommendation delete llama-cost",),
    "ai-recommendation wait": ("ircli ai-recommendation wait llama-cost --timeout 7200",),
    "ai-recommendation deploy": (
        "ircli ai-recommendation deploy llama-cost --wait",
        "ircli ai-recommendation deploy llama-cost --rank 2 --endpoint-name llama-second",
        "ircli ai-recommendation deploy llama-cost --rank 2 --emit terraform > llama.tf",
    ),
    "ai-recommendation undeploy": (
        "ircli ai-recommendation undeploy llama-cost-1 --wait",
        "ircli ai-recommendation undeploy llama-cost-1 --keep-models",
    ),
    "ai-recommendation cost-estimate": (
        "ircli ai-recommendation cost-estimate llama-cost --requests-per-minute 600",
        "ircli ai-recommendation cost-estimate llama-cost --requests-per-minute 600 --output-tokens-mean 400",
    ),
    "ai-benchmark create": (
        "ircli ai-benchmark create --name bench --endpoint llama-cost-1 --workload chat "
        "--output-s3-uri s3://bucket/bench/ --role-arn arn:aws:iam::123456789012:role/R",
    ),
    "ai-benchmark describe": ("ircli ai-benchmark describe bench",),
    "ai-benchmark list": ("ircli ai-benchmark list --status-equals InProgress",),
    "ai-benchmark stop": ("ircli ai-benchmark stop bench",),
    "ai-benchmark delete": ("ircli ai-benchmark delete bench",),
    "ai-benchmark wait": ("ircli ai-benchmark wait bench",),
    "ai-benchmark results": ("ircli ai-benchmark results bench", "ircli ai-benchmark results bench --output csv"),
}

# Request members no flag sets: they come from --cli-input-json / --cli-input-yaml.
FILE_ONLY: dict[str, str] = {
    "create-job": "InputConfig.VpcConfig, InputConfig.VolumeKmsKeyId, OutputConfig (KmsKeyId, "
    "CompiledOutputConfig), ContainerConfig.DataInputConfig, ContainerConfig.SupportedEndpointType, "
    "ContainerConfig.SupportedResponseMIMETypes, EndpointConfigurations[].InferenceSpecificationName",
    "endpoint-config create": "ProductionVariants (other than from a recommendation), ShadowProductionVariants, "
    "DataCaptureConfig, KmsKeyId, AsyncInferenceConfig, ExplainerConfig, VpcConfig",
    "endpoint-config deploy": "DeploymentConfig",
    "endpoint-config update-endpoint": "DeploymentConfig, RetainAllVariantProperties, ExcludeRetainedVariantProperties",
    "model create": "Containers (several), InferenceExecutionConfig, VpcConfig, EnableNetworkIsolation",
}

GLOBAL_NOTE = (
    "Global options (--backend, --region, --profile, --endpoint-url, --output, --query, --state-dir, --debug, "
    "--no-color) may stand before or after the command: see ircli --help."
)


def epilog(path: str) -> str:
    """The end of a command's help. Lines are kept as written (click's \\b marks a paragraph not to rewrap)."""
    parts = ["\b\nExamples:\n" + "\n".join(f"  {example}" for example in EXAMPLES.get(path, ()))]
    if path in FILE_ONLY:
        skeleton = f"ircli {path} --generate-cli-skeleton yaml-input"
        parts.append(f"Set only from a file: {FILE_ONLY[path]}. Start one with: {skeleton}")
    parts.append(GLOBAL_NOTE)
    return "\n\n".join(parts)


# What an option's value looks like in help (`--job-name NAME`), where its name alone does not say.
PLACEHOLDERS: dict[str, str] = {
    "--backend": "local|aws",
    "--output": "FORMAT",
    "--region": "REGION",
    "--profile": "PROFILE",
    "--query": "JMESPATH",
    "--state-dir": "DIR",
    "--cli-input-json": "JSON|FILE",
    "--cli-input-yaml": "YAML|FILE",
    "--generate-cli-skeleton": "input|yaml-input|output",
    "--resume": "DRAFT",
    "--emit": "application-autoscaling",
    "--tag": "KEY=VALUE",
    "--environment": "KEY=VALUE",
    "--environment-parameter-range": "NAME=V1,V2",
    "--model-latency-threshold": "PERCENTILE=MS",
    "--serverless-config": "MemorySizeInMB=N,MaxConcurrency=N",
    "--phase": "InitialNumberOfUsers=N,SpawnRate=N,DurationInSeconds=N",
    "--stairs": "DurationInSeconds=N,NumberOfSteps=N,UsersPerStep=N",
    "--traffic-profile": "FILE",
    "--html": "FILE",
    "--average-per-minute": "N",
    "--peak-per-minute": "N",
    "--flat-invocations": "Continue|Stop",
    "--traffic-type": "PHASES|STAIRS",
    "--job-type": "Default|Advanced",
    "--format": "json|yaml",
    "--from-recommendation": "JOB/RECOMMENDATION_ID",
    "--recommendation-id": "RECOMMENDATION_ID",
    "--rank-by": "KEY=PREFERENCE,...",
    "--sort-by": "FIELD",
    "--tokenizer": "TOKENIZER",
    "--spec-file": "FILE",
    "--workload": "WORKLOAD",
    "--requests-per-minute": "N",
    "--goal": "ttft-ms|throughput|cost",
    "--endpoint": "ENDPOINT",
    "--inference-component": "COMPONENT",
    "--sort-order": "Ascending|Descending",
    "--status": "STATUS",
    "--status-equals": "STATUS",
    "--step-type": "BENCHMARK",
    "--operation": "OPERATION",
    "--image": "IMAGE_URI",
    "--host": "HOST",
    "--port": "PORT",
    "--interval": "SECONDS",
    "--timeout": "SECONDS",
    "--job-duration-in-seconds": "SECONDS",
    "--fail-on-regression": "PERCENT",
    "--target-cpu-utilization-per-core": "PERCENT",
    "--max-cost-per-hour": "USD",
    "--max-latency-ms": "MS",
    "--min-invocations": "PER_MINUTE",
    "--desired-weight": "WEIGHT",
    "--starting-token": "TOKEN",
    "--supported-content-type": "MIME_TYPE",
}
_BY_LAST_WORD = {
    "name": "NAME",
    "arn": "ARN",
    "url": "URL",
    "type": "INSTANCE_TYPE",
    "contains": "TEXT",
    "description": "TEXT",
    "version": "VERSION",
    "framework": "FRAMEWORK",
    "domain": "DOMAIN",
    "task": "TASK",
    "after": "TIME",
    "before": "TIME",
    "uri": "S3_URI",
}


def placeholder(option: str, *, number: bool) -> str | None:
    """The placeholder for an option's value: the table's, else from its last word, else `N` for numbers;
    None when nothing fits (a test requires every option to have one)."""
    if option in PLACEHOLDERS:
        return PLACEHOLDERS[option]
    words = option.lstrip("-").split("-")
    last = words[-2] if words[-1] == "equals" and len(words) > 1 else words[-1]
    return _BY_LAST_WORD.get(last) or ("N" if number else None)
