"""The query protocol: a form (`Action`, `Version`, members flattened as `Name.member.1`, `Name.entry.1.key`)
in, XML out (`<OperationResponse><OperationResult>` and `ResponseMetadata`, as botocore's query parser
reads it); errors as `<ErrorResponse>`."""

from __future__ import annotations

import base64
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl
from xml.etree import ElementTree

from ircli.operations import OPERATIONS, OperationKey, Service
from ircli.simulator.exceptions import SerializationException, SimulatorError, UnknownOperationException
from ircli.simulator.protocols import HttpRequest, Reply, WireProtocol, request_id
from ircli.simulator.protocols.shapes import float_text, operation_model, scalar_from_text, timestamp, wire_timestamp

FORM = "application/x-www-form-urlencoded"


def _present(params: dict[str, str], prefix: str) -> bool:
    return prefix in params or any(name.startswith(prefix + ".") for name in params)


def read(shape: Any, params: dict[str, str], prefix: str) -> Any:
    """The value at `prefix` of the form, as its shape says."""
    kind = shape.type_name
    if kind == "structure":
        found: dict[str, Any] = {}
        for name, member in shape.members.items():
            where = (
                f"{prefix}.{member.serialization.get('name', name)}"
                if prefix
                else member.serialization.get("name", name)
            )
            if _present(params, where):
                found[name] = read(member, params, where)
        return found
    if kind == "list":
        base = (
            prefix
            if shape.serialization.get("flattened")
            else f"{prefix}.{shape.member.serialization.get('name', 'member')}"
        )
        items, index = [], 1
        while _present(params, f"{base}.{index}"):
            items.append(read(shape.member, params, f"{base}.{index}"))
            index += 1
        return items
    if kind == "map":
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        key_name, value_name = (
            shape.key.serialization.get("name", "key"),
            shape.value.serialization.get("name", "value"),
        )
        entries, index = {}, 1
        while _present(params, f"{base}.{index}"):
            entries[params[f"{base}.{index}.{key_name}"]] = read(shape.value, params, f"{base}.{index}.{value_name}")
            index += 1
        return entries
    return scalar_from_text(shape, params[prefix])


def write(parent: ElementTree.Element, name: str, shape: Any, value: Any) -> None:
    """`value` as the element(s) `name` under `parent`."""
    kind = shape.type_name
    if kind == "list":
        item_name = shape.member.serialization.get("name", "member")
        if shape.serialization.get("flattened"):
            for item in value:
                write(parent, name, shape.member, item)
            return
        container = ElementTree.SubElement(parent, name)
        for item in value:
            write(container, item_name, shape.member, item)
        return
    element = ElementTree.SubElement(parent, name)
    if kind == "structure":
        for member_name, member in shape.members.items():
            if value.get(member_name) is not None:
                write(element, member.serialization.get("name", member_name), member, value[member_name])
    elif kind == "map":
        for key, item in value.items():
            entry = ElementTree.SubElement(element, "entry")
            ElementTree.SubElement(entry, "key").text = str(key)
            write(entry, "value", shape.value, item)
    else:
        element.text = text_of(shape, value)


def text_of(shape: Any, value: Any) -> str:
    kind = shape.type_name
    if kind == "timestamp":
        return str(wire_timestamp(timestamp(value), shape.serialization.get("timestampFormat", "iso8601")))
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("float", "double") and isinstance(value, float):
        return float_text(value)
    if kind == "blob" and isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    return str(value)


class Query(WireProtocol):
    name = "query"

    def matches(self, request: HttpRequest) -> bool:
        return request.content_type == FORM

    def form(self, request: HttpRequest) -> dict[str, str]:
        try:
            return dict(
                parse_qsl(request.body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(request.body))
            )
        except (UnicodeDecodeError, ValueError):
            raise SerializationException("The request body is not a valid form.") from None

    def operation(self, request: HttpRequest) -> OperationKey:
        form = self.form(request)
        action, version = form.get("Action", ""), form.get("Version", "")
        for service in Service:
            model = service.model
            if "query" in model.protocols and model.api_version == version and (service, action) in OPERATIONS:
                return OperationKey(service, action)
        raise UnknownOperationException(f"Operation {action or '(no Action)'} is not supported by the ircli simulator.")

    def parse(self, request: HttpRequest, key: OperationKey) -> dict[str, Any]:
        return self.members(request, operation_model(key))

    def members(self, request: HttpRequest, model: Any) -> dict[str, Any]:
        form = self.form(request)
        form.pop("Action", None), form.pop("Version", None)
        found: dict[str, Any] = read(model.input_shape, form, "") if model.input_shape is not None else {}
        return found

    def serialize(self, key: OperationKey, result: dict[str, Any]) -> Reply:
        return self.document(operation_model(key), result)

    def document(self, model: Any, result: dict[str, Any]) -> Reply:
        metadata = model.service_model.metadata
        namespace = f"https://{metadata['endpointPrefix']}.amazonaws.com/doc/{metadata['apiVersion']}/"
        root = ElementTree.Element(f"{model.name}Response", xmlns=namespace)
        output = model.output_shape
        if output is not None:
            wrapper = output.serialization.get("resultWrapper", f"{model.name}Result")
            write(root, wrapper, output, result)
        ElementTree.SubElement(ElementTree.SubElement(root, "ResponseMetadata"), "RequestId").text = request_id()
        return Reply(HTTPStatus.OK, ElementTree.tostring(root, encoding="utf-8"), [("Content-Type", "text/xml")])

    def error(self, error: SimulatorError) -> Reply:
        root = ElementTree.Element("ErrorResponse")
        detail = ElementTree.SubElement(root, "Error")
        ElementTree.SubElement(detail, "Type").text = "Sender" if error.status < 500 else "Receiver"
        ElementTree.SubElement(detail, "Code").text = error.code
        ElementTree.SubElement(detail, "Message").text = error.message
        ElementTree.SubElement(root, "RequestId").text = request_id()
        return Reply(error.status, ElementTree.tostring(root, encoding="utf-8"), [("Content-Type", "text/xml")])
