"""SageMaker Runtime's InvokeEndpoint on a simulated endpoint.

There is no model behind a simulated endpoint, so the answer is SIMULATED, not a prediction: it is
deterministic (the same request gets the same answer) and shaped like what a typical model container
sends for the request's content type:
- `text/csv`: one value in [0, 1) per non-empty input row, one per line;
- `application/json`: `{"predictions": [...], "simulated": true}` with one value per instance (a list
  body, or the list under "instances" or "inputs"), or one value for any other document;
- anything else: the JSON shape above with one value for the whole body.
The `Accept` header may ask for text/csv or application/json instead.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ircli.operations import Service
from ircli.simulator.common import ACCOUNT_ID
from ircli.simulator.exceptions import ModelError, SimulatorError, ValidationError
from ircli.simulator.resource import Resource, handles

MAX_PAYLOAD_BYTES = 6 * 1024 * 1024  # InvokeEndpoint's documented limit
SERVING_STATUSES = ("InService", "Updating")


@dataclass(frozen=True)
class Invocation:
    body: bytes
    content_type: str
    variant: str


def score(data: bytes) -> float:
    """A deterministic stand-in for a model's output: a value in [0, 1) from the input's bytes."""
    return int.from_bytes(hashlib.sha256(data).digest()[:6], "big") / float(1 << 48)


def _family(content_type: str) -> str:
    base = content_type.split(";", 1)[0].strip().lower()
    if base in ("text/csv", "text/plain"):
        return "csv"
    return "json"


def _not_found(name: str) -> SimulatorError:
    return ValidationError(f"Endpoint {name} of account {ACCOUNT_ID} not found.")


class Runtime(Resource):
    @handles(Service.RUNTIME, "InvokeEndpoint")
    def invoke_endpoint(self, request: dict[str, Any]) -> dict[str, Any]:
        """InvokeEndpoint as botocore shapes it: Body as bytes in and out."""
        body = request.get("Body", b"")
        body = body if isinstance(body, bytes) else str(body).encode("utf-8")
        answered = self._llm(request, body, stream=False)  # an LLM container's endpoint answers as one
        if answered is not None:
            return answered
        result = self.invoke(
            request["EndpointName"],
            body,
            content_type=request.get("ContentType", "application/octet-stream"),
            accept=request.get("Accept"),
            target_variant=request.get("TargetVariant"),
        )
        return {"Body": result.body, "ContentType": result.content_type, "InvokedProductionVariant": result.variant}

    @handles(Service.RUNTIME, "InvokeEndpointWithResponseStream")
    def invoke_endpoint_with_response_stream(self, request: dict[str, Any]) -> dict[str, Any]:
        """The streamed answer: its Body the events (PayloadPart) as Python values, in order."""
        body = request.get("Body", b"")
        body = body if isinstance(body, bytes) else str(body).encode("utf-8")
        answered = self._llm(request, body, stream=True)
        if answered is not None:
            return answered
        result = self.invoke(
            request["EndpointName"],
            body,
            content_type=request.get("ContentType", "application/octet-stream"),
            accept=request.get("Accept"),
            target_variant=request.get("TargetVariant"),
        )  # a container that does not stream sends its whole answer as one part
        events = iter([{"PayloadPart": {"Bytes": result.body}}])
        return {"Body": events, "ContentType": result.content_type, "InvokedProductionVariant": result.variant}

    def _llm(self, request: dict[str, Any], body: bytes, *, stream: bool) -> dict[str, Any] | None:
        from ircli.simulator.sagemaker_runtime import llm

        if len(body) > MAX_PAYLOAD_BYTES:
            return None  # refused below, as any invocation
        target = llm.target_of(self, request, body)
        if target is None:
            return None
        answered, content_type = llm.answer(target, body, stream=stream, speed=self.speed, sleep=self.sleep)
        if isinstance(answered, bytes):
            answer: dict[str, Any] = {"Body": answered}
        else:
            answer = {"Body": ({"PayloadPart": {"Bytes": part}} for part in answered)}
        return dict(answer, ContentType=content_type, InvokedProductionVariant=target.variant)

    def sleep(self, seconds: float) -> None:
        """How an LLM answer waits for its tokens (a test replaces it to measure the pace)."""
        import time

        time.sleep(seconds)

    def pick_variant(self, endpoint: dict[str, Any], body: bytes, target: str | None) -> str:
        return self._variant(endpoint, body, target)

    def invoke(
        self,
        endpoint_name: str,
        body: bytes,
        *,
        content_type: str = "application/octet-stream",
        accept: str | None = None,
        target_variant: str | None = None,
    ) -> Invocation:
        if len(body) > MAX_PAYLOAD_BYTES:
            raise ValidationError(
                f"Request payload of {len(body)} bytes is larger than the {MAX_PAYLOAD_BYTES}-byte (6 MB) limit."
            )
        row = self.sim.endpoints.endpoint_row(endpoint_name)
        if row is None:
            raise _not_found(endpoint_name)
        endpoint = self.sim.endpoints.materialized_endpoint(endpoint_name, row)
        if endpoint["status"] not in SERVING_STATUSES:
            raise _not_found(endpoint_name)
        variant = self._variant(endpoint, body, target_variant)
        wanted = _family(accept) if accept and accept != "*/*" else _family(content_type)
        values = self._values(body, _family(content_type))
        if wanted == "csv":
            return Invocation(("\n".join(f"{v:.6f}" for v in values) + "\n").encode(), "text/csv", variant)
        document = {"predictions": [round(v, 6) for v in values], "simulated": True}
        return Invocation(json.dumps(document).encode(), "application/json", variant)

    @staticmethod
    def _variant(endpoint: dict[str, Any], body: bytes, target: str | None) -> str:
        production = [v for v in endpoint["variants"] if not v.get("shadow")]
        if target is not None:
            if target not in {v["VariantName"] for v in production}:
                raise ValidationError(f"Variant {target} was not found for endpoint {endpoint['EndpointName']}.")
            return target
        weighted = [v for v in production if (v.get("weight") or 0) > 0] or production
        total = sum(max(v.get("weight") or 0, 0) for v in weighted) or len(weighted)
        point = score(body) * total
        for variant in weighted:
            point -= max(variant.get("weight") or 0, 0) or 1
            if point < 0:
                return str(variant["VariantName"])
        return str(weighted[-1]["VariantName"])

    @staticmethod
    def _values(body: bytes, family: str) -> list[float]:
        if family == "csv":
            rows = [row for row in body.splitlines() if row.strip()]
            return [score(row) for row in rows] or [score(body)]
        try:
            document = json.loads(body.decode("utf-8")) if body.strip() else None
            instances = document
            if isinstance(document, dict):
                instances = document.get("instances", document.get("inputs", document))
            if isinstance(instances, list) and instances:
                return [score(json.dumps(item, sort_keys=True).encode()) for item in instances]
        except (UnicodeDecodeError, json.JSONDecodeError):
            # A JSON container refuses a body it cannot parse; the runtime passes that on as a ModelError.
            raise container_refused("Unable to parse the request body as JSON") from None
        except RecursionError:
            raise container_refused(
                "The request body nests JSON arrays or objects deeper than the container reads"
            ) from None
        except ValueError:  # Python reads integers of at most 4300 digits (sys.get_int_max_str_digits)
            raise container_refused("The request body holds a JSON number too long for the container to read") from None
        return [score(body)]


def container_refused(why: str) -> SimulatorError:
    """The container's 4xx on a body it cannot read, as the runtime passes it on (424 ModelError)."""
    return ModelError(f'Received client error (400) from primary with message "{why} (simulated container).".')
