"""A real model server for the load-test tests: a scikit-learn model trained here on synthetic data, served
on loopback by a WSGI app implementing SageMaker's container contract (GET /ping, POST /invocations with
text/csv rows), with a known service time: each answer takes `service_ms` (the prediction, then a wait to
the deadline), at most `capacity` at once (None: as many as waitress has threads)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


def train() -> Any:
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    features, labels = make_classification(n_samples=400, n_features=4, random_state=7)
    return LogisticRegression(max_iter=200).fit(features, labels)


@dataclass
class ModelApp:
    model: Any
    service_ms: float = 20.0
    capacity: int | None = None
    fail: bool = False  # answer every invocation 500, as a broken container does

    def __post_init__(self) -> None:
        self.slots = threading.BoundedSemaphore(self.capacity) if self.capacity else None
        self.invocations = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ.get("PATH_INFO")
        if path == "/ping":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"healthy"]
        if path != "/invocations" or environ.get("REQUEST_METHOD") != "POST":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"no such route"]
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        with self.lock:
            self.invocations += 1
        if self.fail:
            start_response("500 Internal Server Error", [("Content-Type", "application/json")])
            return [b'{"error": "model crashed: could not convert string to float"}']
        if self.slots:
            with self.slots:
                answer = self._predict(body)
        else:
            answer = self._predict(body)
        start_response("200 OK", [("Content-Type", "text/csv")])
        return [answer]

    def _predict(self, body: bytes) -> bytes:
        deadline = time.perf_counter() + self.service_ms / 1000.0
        rows = [[float(v) for v in line.split(b",")] for line in body.splitlines() if line.strip()]
        scores = self.model.predict_proba(rows)[:, 1]
        time.sleep(max(0.0, deadline - time.perf_counter()))
        return ("\n".join(f"{s:.6f}" for s in scores) + "\n").encode()


@contextmanager
def serving(app: ModelApp, threads: int = 32) -> Iterator[str]:
    """The app on 127.0.0.1 on a free port, for the length of the block; yields its URL."""
    from waitress.server import create_server

    server: Any = create_server(app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        thread.join(timeout=5)
