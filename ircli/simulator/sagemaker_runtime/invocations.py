"""SageMaker Runtime's InvokeEndpoint on a simulated endpoint.

There is no model behind a simulated endpoint, so the answer is SIMULATED, not a prediction: deterministic
(the same request gets the same answer) and written in the format the request's `Accept` asks for, as
`payloads` says (CSV, JSON, JSON Lines, NumPy .npy, raw bytes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ircli.operations import Service
from ircli.simulator.exceptions import ValidationError
from ircli.simulator.resource import Resource, handles
from ircli.simulator.sagemaker_runtime import payloads
from ircli.simulator.sagemaker_runtime.load import declared_users, model_answer, wait_for_answer
from ircli.simulator.sagemaker_runtime.payloads import score
from ircli.simulator.sagemaker_runtime.serving import SERVING_STATUSES, not_found

MAX_PAYLOAD_BYTES = 6 * 1024 * 1024  # InvokeEndpoint's documented limit


@dataclass(frozen=True)
class Invocation:
    body: bytes
    content_type: str
    variant: str
    custom_attributes: str | None = None  # what the simulator modelled, for a load test that declared its load


class Runtime(Resource):
    @handles(Service.RUNTIME, "InvokeEndpoint")
    def invoke_endpoint(self, request: dict[str, Any]) -> dict[str, Any]:
        """InvokeEndpoint as botocore shapes it: Body as bytes in and out."""
        body: bytes = request.get("Body", b"")  # bytes, whichever way it came (`protocols.shapes`)
        with self.sim.metrics.counting(request) as invocation:  # its CloudWatch metrics
            answered = self._llm(request, body, stream=False)  # an LLM container's endpoint answers as one
            if answered is not None:
                invocation.variant = answered.get("InvokedProductionVariant")
                return answered
            result = self.invoke(
                request["EndpointName"],
                body,
                content_type=request.get("ContentType", "application/octet-stream"),
                accept=request.get("Accept"),
                target_variant=request.get("TargetVariant"),
                custom_attributes=request.get("CustomAttributes"),
            )
            invocation.variant = result.variant
        answer = {"Body": result.body, "ContentType": result.content_type, "InvokedProductionVariant": result.variant}
        return answer if result.custom_attributes is None else dict(answer, CustomAttributes=result.custom_attributes)

    @handles(Service.RUNTIME, "InvokeEndpointWithResponseStream")
    def invoke_endpoint_with_response_stream(self, request: dict[str, Any]) -> dict[str, Any]:
        """The streamed answer: its Body the events (PayloadPart) as Python values, in order."""
        body: bytes = request.get("Body", b"")
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
        custom_attributes: str | None = None,
    ) -> Invocation:
        if len(body) > MAX_PAYLOAD_BYTES:
            raise ValidationError(
                f"Request payload of {len(body)} bytes is larger than the {MAX_PAYLOAD_BYTES}-byte (6 MB) limit."
            )
        row = self.sim.endpoints.endpoint_row(endpoint_name)
        if row is None:
            raise not_found(endpoint_name)
        endpoint = self.sim.endpoints.materialized_endpoint(endpoint_name, row)
        if endpoint["status"] not in SERVING_STATUSES:
            raise not_found(endpoint_name)
        variant = self._variant(endpoint, body, target_variant)
        users = declared_users(custom_attributes)  # a load test that says how many loops it runs
        modelled = model_answer(self.sim, endpoint, variant, users) if users else None
        if modelled is None:
            wait_for_answer(self.sim, endpoint, variant)  # the latency the performance model gives at this load
        answered = payloads.answer(body, content_type, accept)
        attributes = None if modelled is None else modelled.attributes()
        return Invocation(answered.body, answered.content_type, variant, attributes)

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
