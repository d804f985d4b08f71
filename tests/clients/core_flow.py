"""sagemaker-core resources, unmodified, against an ircli simulator named by AWS_ENDPOINT_URL: create, get,
wait, get_all and delete of Model, InferenceRecommendationsJob, EndpointConfig and Endpoint. Run by
tests/test_clients.py in a virtual environment of its own."""

from sagemaker_core.resources import Endpoint, EndpointConfig, InferenceRecommendationsJob, Model
from sagemaker_core.shapes import ContainerDefinition, ProductionVariant, RecommendationJobInputConfig

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
model = Model.create(
    model_name="core-model",
    primary_container=ContainerDefinition(image=IMAGE, model_data_url="s3://b/m.tar.gz"),
    execution_role_arn=ROLE,
)
print("MODEL", Model.get(model_name="core-model").model_arn)
job = InferenceRecommendationsJob.create(
    job_name="core-job",
    job_type="Default",
    role_arn=ROLE,
    input_config=RecommendationJobInputConfig(model_name="core-model"),
)
job.wait(poll=1, timeout=60)
job = InferenceRecommendationsJob.get(job_name="core-job")
print("JOB", job.status, len(job.inference_recommendations))
print("JOBS", [j.job_name for j in InferenceRecommendationsJob.get_all()])
best = job.inference_recommendations[0].endpoint_configuration
config = EndpointConfig.create(
    endpoint_config_name="core-config",
    production_variants=[
        ProductionVariant(
            variant_name="AllTraffic",
            model_name="core-model",
            instance_type=best.instance_type,
            initial_instance_count=best.initial_instance_count,
        )
    ],
)
endpoint = Endpoint.create(endpoint_name="core-endpoint", endpoint_config_name="core-config")
endpoint.wait_for_status("InService", poll=1, timeout=60)
print("ENDPOINT", Endpoint.get(endpoint_name="core-endpoint").endpoint_status)
print(
    "ALL",
    [e.endpoint_name for e in Endpoint.get_all()],
    [c.endpoint_config_name for c in EndpointConfig.get_all()],
    [m.model_name for m in Model.get_all()],
)
endpoint.delete()
endpoint.wait_for_delete(poll=1, timeout=60)
print("GONE", [e.endpoint_name for e in Endpoint.get_all()])
config.delete()
model.delete()
print("DONE")
