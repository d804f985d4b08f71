"""What a load test sends its requests to, inside the engine's process: a container on the user's machine
(SageMaker's container contract: `POST /invocations`) or a SageMaker endpoint through sagemaker-runtime
InvokeEndpoint, signed with the user's credentials (boto3's chain; AWS_ENDPOINT_URL sends it to a served
simulator). Each answer is reduced to what the measurements keep: whether it succeeded, its status, and the
body of an error.

A simulated endpoint (the target's `simulated`, as the CLI found it) is told the load in CustomAttributes
(`ircli-load-users=N`), and its answers' CustomAttributes say the latency it modelled at that load, in the
service's time: those are the figures kept (the loops' own round trips on this machine are not), as the
service reads ModelLatency server-side in CloudWatch. A real endpoint is sent nothing of the kind: the CLI
found the control plane simulated, but the runtime may be elsewhere (AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME), so
the runtime's own first answer (plain, then discarded when it carries the simulator's x-ircli-time-scale)
decides before any CustomAttributes go out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol
from urllib.parse import urlsplit

TIME_SCALE_HEADER = "x-ircli-time-scale"
LOAD_USERS, MODEL_LATENCY, OVERHEAD_LATENCY = "ircli-load-users", "ircli-model-latency-ms", "ircli-overhead-latency-ms"
READ_TIMEOUT = 60.0
CONNECT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Answer:
    ok: bool
    status: str
    body: str  # an error's body (decoded for people); empty for a success
    length: int
    time_scale: float | None = None
    model_ms: float | None = None  # a simulated endpoint's modelled ModelLatency (the service's ms)
    overhead_ms: float | None = None  # and the loop's modelled time outside the model


def modelled(attributes: str | None) -> tuple[float | None, float | None]:
    """(model, overhead) milliseconds from a simulated endpoint's CustomAttributes."""
    found: dict[str, float] = {}
    for part in re.split(r"[;,]", attributes or ""):  # as the simulated endpoint reads what it is told
        key, _, value = part.partition("=")
        try:
            found[key.strip()] = float(value)
        except ValueError:
            continue
    return found.get(MODEL_LATENCY), found.get(OVERHEAD_LATENCY)


class Client(Protocol):
    name: str

    def invoke(self, payload: bytes, users: int = 1) -> Answer: ...


def _scale(headers: Any) -> float | None:
    value = headers.get(TIME_SCALE_HEADER) if headers is not None else None
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class ContainerClient:
    """One keep-alive connection to a container (geventhttpclient, as Locust's FastHttpUser uses)."""

    name = "POST /invocations"

    def __init__(self, url: str, content_type: str, accept: str | None) -> None:
        from geventhttpclient import HTTPClient

        parts = urlsplit(url)
        self.client = HTTPClient(
            parts.hostname or "127.0.0.1",
            parts.port or 8080,
            concurrency=1,
            connection_timeout=CONNECT_TIMEOUT,
            network_timeout=READ_TIMEOUT,
        )
        self.path = (parts.path.rstrip("/") or "") + "/invocations"
        self.headers = {"Content-Type": content_type, **({"Accept": accept} if accept else {})}

    def invoke(self, payload: bytes, users: int = 1) -> Answer:
        try:
            response = self.client.post(self.path, body=payload, headers=self.headers)
            body = response.read()
        except Exception as exc:  # a connection that broke is an error the test counts, not a crash
            return Answer(False, "connection", f"{type(exc).__name__}: {exc}", 0)
        status = int(response.status_code)
        ok = 200 <= status < 300
        text = "" if ok else body.decode("utf-8", "replace")
        return Answer(ok, str(status), text, len(body), _scale({TIME_SCALE_HEADER: response.get(TIME_SCALE_HEADER)}))


class EndpointClient:
    """sagemaker-runtime InvokeEndpoint through boto3, one client shared by the process's users."""

    name = "InvokeEndpoint"
    shared: ClassVar[dict[tuple[Any, ...], Any]] = {}
    # Whether each runtime's own answers said it is the simulator (absent: not known yet).
    simulator: ClassVar[dict[tuple[Any, ...], bool]] = {}

    def __init__(self, target: dict[str, Any], content_type: str, accept: str | None) -> None:
        key = (target.get("region"), target.get("endpoint_url"), target.get("profile"))
        self.key = key
        if key not in self.shared:
            import boto3
            from botocore.config import Config

            session = boto3.session.Session(profile_name=target.get("profile"), region_name=target.get("region"))
            config = Config(
                retries={"total_max_attempts": 1},  # a load test measures each answer; it never retries
                max_pool_connections=1000,
                connect_timeout=CONNECT_TIMEOUT,
                read_timeout=READ_TIMEOUT,
            )
            self.shared[key] = session.client(
                "sagemaker-runtime", endpoint_url=target.get("endpoint_url"), config=config
            )
        self.client = self.shared[key]
        self.request = {"EndpointName": target["endpoint_name"], "ContentType": content_type}
        if accept:
            self.request["Accept"] = accept
        if target.get("variant"):
            self.request["TargetVariant"] = target["variant"]
        self.simulated = bool(target.get("simulated"))

    def invoke(self, payload: bytes, users: int = 1) -> Answer:
        if self.simulated and self.simulator.get(self.key) is None:
            probe = self._send(payload, users, declare=False)
            if probe.status == "connection":  # no answer to judge by: asked again next time
                return probe
            self.simulator[self.key] = probe.time_scale is not None
            if probe.time_scale is None:  # a real runtime: its plain answer is a measurement like any other
                self.simulated = False
                return probe
        self.simulated = self.simulated and self.simulator.get(self.key, False)
        return self._send(payload, users, declare=self.simulated)

    def _send(self, payload: bytes, users: int, *, declare: bool) -> Answer:
        from botocore.exceptions import BotoCoreError, ClientError

        declared = {"CustomAttributes": f"{LOAD_USERS}={users}"} if declare else {}
        try:
            response = self.client.invoke_endpoint(Body=payload, **self.request, **declared)
            body = response["Body"].read()
        except ClientError as exc:
            error = exc.response.get("Error", {})
            metadata = exc.response.get("ResponseMetadata", {})
            text = f"{error.get('Code', '')}: {error.get('Message', '')}"
            status = str(metadata.get("HTTPStatusCode", "error"))
            return Answer(False, status, text, 0, _scale(metadata.get("HTTPHeaders")))
        except BotoCoreError as exc:
            return Answer(False, "connection", f"{type(exc).__name__}: {exc}", 0)
        headers = response.get("ResponseMetadata", {}).get("HTTPHeaders")
        model_ms, overhead_ms = modelled(response.get("CustomAttributes")) if declare else (None, None)
        return Answer(True, "200", "", len(body), _scale(headers), model_ms, overhead_ms)


def make_client(target: dict[str, Any], content_type: str, accept: str | None) -> Client:
    if target["kind"] == "url":
        return ContainerClient(target["url"], content_type, accept)
    return EndpointClient(target, content_type, accept)
