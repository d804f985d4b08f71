"""TensorRT BERT on NVIDIA Triton: an Advanced job on ml.g4dn.12xlarge, its benchmark's CloudWatch
metrics, its recommendation.

Rewritten from aws/amazon-sagemaker-examples at 2d519b52c3a2c2361f2b87f0d3de46fd6c0232a5,
archived/tensort-rt/tensorrt_triton_inference_recommender.ipynb (with the Triton notebooks' cloudwatch.py);
the body it shares with the PyTorch Triton notebook is in _triton.py.
"""

from _triton import run

run(
    notebook="tensorrt",
    short="trt",
    prefix="sagemaker/trt-triton-inference-recommender",
    inputs=("token_ids", "attn_mask"),
    instance_types=["ml.g4dn.12xlarge"],
)
