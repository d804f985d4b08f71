"""What every notebook script shares in place of the notebook's surroundings (SageMaker Studio, S3, a GPU).

Imported first by each script in tests/notebooks/, which run in a virtual environment of their own
(tests/test_notebooks.py) against the simulator named by AWS_ENDPOINT_URL. It changes nothing a notebook
sends: it stands in for `get_execution_role()` (an STS look-up), for the S3 URLs that uploads would have
returned, for Jupyter's `display`, and it shortens the notebooks' sleeps (they poll every 60-600 s) to at
most 0.05 s, for the scripts and for the SageMaker SDK alike.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: figures are drawn, never shown

_sleep: Callable[[float], None] = time.sleep


def _short_sleep(seconds: float) -> None:
    _sleep(min(seconds, 0.05))


time.sleep = _short_sleep  # every module, the SDK's included, reads time.sleep at call time

ROLE = "arn:aws:iam::123456789012:role/service-role/AmazonSageMaker-ExecutionRole-notebooks"
BUCKET = "sagemaker-us-east-1-123456789012"


def get_execution_role() -> str:
    """What the SDK's get_execution_role answers in a SageMaker notebook (there, an STS and IAM look-up)."""
    return ROLE


def uploaded(key_prefix: str, archive: str) -> str:
    """The S3 URL `Session.upload_data(archive, key_prefix=...)` returns (the upload itself is skipped)."""
    return f"s3://{BUCKET}/{key_prefix}/{archive}"


def display(value: Any) -> None:
    """Jupyter's display: the value's text."""
    print(value.to_string() if hasattr(value, "to_string") else value)


def workdir() -> Path:
    """A fresh directory to work in, as a notebook's own folder would be."""
    path = Path(tempfile.mkdtemp(prefix="notebook-"))
    os.chdir(path)
    return path


def result(**summary: Any) -> None:
    """The script's last line: what it got, as one JSON object the test reads."""
    print("RESULT " + json.dumps(summary, default=str, sort_keys=True))
