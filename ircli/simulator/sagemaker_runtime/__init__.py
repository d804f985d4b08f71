"""SageMaker Runtime as the simulator answers it: invocations of simulated endpoints."""
