"""SageMaker's own API as the simulator answers it: recommendation jobs and their plans and performance model,
models and the model registry, endpoint configurations, endpoints, scaling recommendations, tags."""
