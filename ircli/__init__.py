"""ircli: an AWS-CLI-style command line for Amazon SageMaker Inference Recommender."""

__version__ = "0.1.0"
