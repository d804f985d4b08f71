"""The Price List API (`pricing`) over ircli's catalog: DescribeServices names the one service it prices,
AmazonSageMaker, and GetProducts answers its on-demand hosting products in each region the catalog carries,
each PriceList entry a JSON string in the Price List API's shape (product attributes such as instanceName,
regionCode, location, component and usagetype; terms.OnDemand.<sku>.priceDimensions.<rate>.pricePerUnit.USD).

As the service answers: Filters of Type TERM_MATCH match an attribute's value (case-insensitively); a page
holds at most MaxResults products (100 by default and at most); NextToken moves on.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ircli.lib.catalog import catalog, region_prices
from ircli.operations import Service
from ircli.simulator.common import decode_offset_token, encode_offset_token
from ircli.simulator.exceptions import InvalidNextTokenException, InvalidParameterException, ValidationException
from ircli.simulator.resource import Resource, handles

SERVICE_CODE = "AmazonSageMaker"
FORMAT_VERSION = "aws_v1"
PAGE = 100
ATTRIBUTES = ("component", "instanceName", "instanceType", "location", "regionCode", "usagetype", "vCpu")


def _sku(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:16].upper()


def product(region: str, location: str, prefix: str, instance_type: str, price: float, as_of: str) -> dict[str, Any]:
    """One hosting product as the Price List API writes it (format aws_v1)."""
    sku, term = _sku(region, instance_type), "JRTCKXETXF"  # the on-demand offer term's code
    spec = catalog()["instances"].get(instance_type, {})
    attributes = {
        "servicecode": SERVICE_CODE,
        "servicename": "Amazon SageMaker",
        "regionCode": region,
        "location": location,
        "locationType": "AWS Region",
        "component": "Hosting",
        "operation": "RunInstance",
        "usagetype": f"{prefix}-Host:{instance_type}",
        "instanceName": instance_type,
        "instanceType": instance_type,
        "vCpu": str(spec.get("vcpu", "")),
        "memory": f"{spec.get('memory_gib', '')} GiB",
    }
    dimension = {
        "unit": "Hrs",
        "endRange": "Inf",
        "description": f"${price} per Hosting {instance_type} hour in {location}",
        "appliesTo": [],
        "rateCode": f"{sku}.{term}.6YS6EN2CT7",
        "beginRange": "0",
        "pricePerUnit": {"USD": f"{price:.10f}"},
    }
    effective = f"{as_of}-01T00:00:00Z" if len(as_of) == 7 else f"{as_of}T00:00:00Z"
    offer = {
        "priceDimensions": {dimension["rateCode"]: dimension},
        "sku": sku,
        "effectiveDate": effective,
        "offerTermCode": term,
        "termAttributes": {},
    }
    return {
        "product": {"productFamily": "ML Instance", "attributes": attributes, "sku": sku},
        "serviceCode": SERVICE_CODE,
        "terms": {"OnDemand": {f"{sku}.{term}": offer}},
        "version": as_of.replace("-", ""),
        "publicationDate": effective,
    }


def products() -> list[dict[str, Any]]:
    """Every priced hosting product of every region the catalog carries, by region then instance type."""
    found = []
    for region in sorted(catalog().get("regions", {})):
        record = region_prices(region) or {}
        for instance_type, price in sorted(record.get("prices", {}).items()):
            found.append(
                product(region, record["location"], record["usage_prefix"], instance_type, price, record["as_of"])
            )
    return found


def _matches(item: dict[str, Any], filters: list[dict[str, Any]]) -> bool:
    attributes = item["product"]["attributes"]
    for term in filters:
        if term.get("Type") != "TERM_MATCH":
            raise InvalidParameterException(f"Filter type {term.get('Type')} is not supported; use TERM_MATCH.")
        value = attributes.get(term["Field"], item["serviceCode"] if term["Field"] == "ServiceCode" else None)
        if value is None or str(value).lower() != str(term["Value"]).lower():
            return False
    return True


def _page_size(request: dict[str, Any]) -> int:
    size = int(request.get("MaxResults") or PAGE)
    if not 1 <= size <= PAGE:
        raise InvalidParameterException(f"MaxResults must be between 1 and {PAGE}.")
    return size


def _format(request: dict[str, Any]) -> str:
    version = request.get("FormatVersion") or FORMAT_VERSION
    if version != FORMAT_VERSION:
        raise InvalidParameterException(f"FormatVersion {version} is not supported; use {FORMAT_VERSION}.")
    return str(version)


class PriceList(Resource):
    @handles(Service.PRICING, "DescribeServices")
    def describe_services(self, request: dict[str, Any]) -> dict[str, Any]:
        services = [{"ServiceCode": SERVICE_CODE, "AttributeNames": list(ATTRIBUTES)}]
        if request.get("ServiceCode"):
            services = [s for s in services if s["ServiceCode"] == request["ServiceCode"]]
        return {"Services": services, "FormatVersion": _format(request)}

    @handles(Service.PRICING, "GetProducts")
    def get_products(self, request: dict[str, Any]) -> dict[str, Any]:
        version, size = _format(request), _page_size(request)
        if request["ServiceCode"] != SERVICE_CODE:
            return {"FormatVersion": version, "PriceList": []}
        filters = request.get("Filters") or []
        context = json.dumps(filters, sort_keys=True)
        try:
            start = decode_offset_token(request["NextToken"], context) if request.get("NextToken") else 0
        except ValidationException:
            raise InvalidNextTokenException("The NextToken is not valid for this request.") from None
        matching = [item for item in products() if _matches(item, filters)]
        answer: dict[str, Any] = {
            "FormatVersion": version,
            "PriceList": [json.dumps(item) for item in matching[start : start + size]],
        }
        if start + size < len(matching):
            answer["NextToken"] = encode_offset_token(start + size, context)
        return answer
