"""The AWS Price List API as the simulator answers it: SageMaker's on-demand prices from ircli's catalog."""
