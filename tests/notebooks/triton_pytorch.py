"""PyTorch BERT on NVIDIA Triton: an Advanced job over nine GPU instance types (P3 and G4dn), its
benchmarks' CloudWatch metrics, its recommendations.

Rewritten from aws/amazon-sagemaker-examples at 2d519b52c3a2c2361f2b87f0d3de46fd6c0232a5,
archived/pytorch_triton_inference_recommender/pytorch_triton_inference_recommender.ipynb (with its
cloudwatch.py); the body it shares with the TensorRT notebook is in _triton.py.
"""

from _triton import run

run(
    notebook="triton_pytorch",
    short="pt",
    prefix="sagemaker/pt-triton-inference-recommender",
    inputs=("INPUT__0", "INPUT__1"),
    instance_types=[
        "ml.p3.8xlarge", "ml.p3.2xlarge", "ml.p3.16xlarge", "ml.g4dn.xlarge", "ml.g4dn.8xlarge", "ml.g4dn.4xlarge",
        "ml.g4dn.2xlarge", "ml.g4dn.16xlarge", "ml.g4dn.12xlarge",
    ],
)  # fmt: skip
