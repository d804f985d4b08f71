"""Who the served simulator answers: the requests it refuses (403) before anything runs.

- DNS rebinding: a web page at `rebind.test:PORT` whose name is made to resolve to 127.0.0.1 reaches the
  port as its own origin. Browsers always send the name they used as `Host`, so only the names the
  simulator listens on are accepted (the loopback names and the `--host` given), and any `Origin` that is
  not on loopback (another site's page posting here) is refused.
- Other users of the machine: with `access_key_id`, a request must be signed (SigV4) with that key id; with
  `secret_access_key` as well, its signature must be the one that secret makes.
- In process (`ircli.testing`), there is no peer at all: `Access.in_process()` lets every request in.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from ircli.simulator.exceptions import SimulatorError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
ALGORITHM = "AWS4-HMAC-SHA256"
INVALID_TOKEN = "The security token included in the request is invalid."
INVALID_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)


def refused(code: str, message: str) -> SimulatorError:
    error = SimulatorError(message)
    error.code = code
    error.status = 403
    return error


def _split_host(value: str) -> tuple[str, str]:
    """`name[:port]` or `[v6][:port]` -> (name, port), the name lower-cased, a v6 name kept in brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value.partition("]")
        return name + "]", rest[1:] if rest.startswith(":") else rest
    name, _, port = value.partition(":") if value.count(":") == 1 else (value, "", "")
    return name, port


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class Access:
    """The names a served simulator answers to on its port, and the credentials it requires, if any."""

    port: int
    names: frozenset[str]
    any_address: bool = False  # bound to 0.0.0.0 or ::: every address of the machine is one of its names
    access_key_id: str | None = None
    secret_access_key: str | None = None
    guarded: bool = True  # False only in process, where no page or other user can reach the simulator

    @classmethod
    def in_process(cls) -> Access:
        """The access of a simulator answering botocore in its own process (no socket: no one else to refuse)."""
        return cls(port=0, names=frozenset(), guarded=False)

    @classmethod
    def listening(
        cls, host: str, port: int, *, access_key_id: str | None = None, secret_access_key: str | None = None
    ) -> Access:
        address = _ip(host)
        own = f"[{host.lower()}]" if address is not None and address.version == 6 else host.lower()
        return cls(
            port=port,
            names=frozenset({*LOOPBACK_NAMES, own}),
            any_address=address is not None and address.is_unspecified,
            access_key_id=access_key_id or None,
            secret_access_key=(secret_access_key or None) if access_key_id else None,
        )

    def refusal(self, environ: dict[str, Any]) -> SimulatorError | None:
        """Why a request is refused from its headers alone (Host, Origin, the key id), or None."""
        return self.origin_refusal(environ) or self.key_refusal(environ)

    def origin_refusal(self, environ: dict[str, Any]) -> SimulatorError | None:
        """Why a request is refused for where it comes from (its Host and Origin), or None."""
        if not self.guarded:
            return None
        host = environ.get("HTTP_HOST", "")
        name, port = _split_host(host)
        own_name = name in self.names or (self.any_address and _ip(name) is not None)
        if not own_name or port not in ("", str(self.port)):
            return refused(
                "AccessDeniedException",
                f"The Host {host!r} is not one of this simulator's names ({', '.join(sorted(self.names))}, "
                f"port {self.port}); a web page under another name may not use it (DNS rebinding). "
                "Serve with --host NAME to answer to another name.",
            )
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and not _loopback_origin(origin):
            return refused(
                "AccessDeniedException",
                f"The Origin {origin!r} is not on this machine's loopback: web pages of other sites may not use "
                "the simulator.",
            )
        return None

    def key_refusal(self, environ: dict[str, Any]) -> SimulatorError | None:
        """Why a request is refused for its key id (when one is required), or None."""
        if self.access_key_id is None or not self.guarded:
            return None
        fields = _authorization(environ.get("HTTP_AUTHORIZATION", ""))
        if fields is None:
            return refused("MissingAuthenticationTokenException", "Missing Authentication Token")
        key_id = fields["Credential"].split("/", 1)[0]
        if not hmac.compare_digest(key_id.encode(), self.access_key_id.encode()):
            return refused("UnrecognizedClientException", INVALID_TOKEN)
        return None

    def signature_refusal(self, environ: dict[str, Any], body: bytes) -> SimulatorError | None:
        """With a secret: a request whose SigV4 signature is not the one the secret makes is refused."""
        if self.secret_access_key is None or not self.guarded:
            return None
        fields = _authorization(environ.get("HTTP_AUTHORIZATION", ""))
        expected = _signature(environ, body, fields, self.secret_access_key) if fields else None
        if expected is None or fields is None or not hmac.compare_digest(expected, fields["Signature"]):
            return refused("InvalidSignatureException", INVALID_SIGNATURE)
        return None


def _loopback_origin(origin: str) -> bool:
    try:
        parts = urlsplit(origin.strip())
        hostname = parts.hostname or ""
        parts.port  # noqa: B018 - a port that is not a number makes the origin unreadable
    except ValueError:
        return False
    if parts.scheme not in ("http", "https"):
        return False
    address = _ip(hostname)
    return hostname == "localhost" or (address is not None and address.is_loopback)


def _authorization(header: str) -> dict[str, str] | None:
    """`AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, SignedHeaders=..., Signature=...`"""
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        return None
    fields = {}
    for part in rest.split(","):
        key, _, value = part.strip().partition("=")
        fields[key] = value
    credential = fields.get("Credential", "").split("/")
    if len(credential) != 5 or not credential[0] or credential[4] != "aws4_request":
        return None
    if not fields.get("SignedHeaders") or not fields.get("Signature"):
        return None
    return fields


def _header(environ: dict[str, Any], name: str) -> str:
    if name in ("content-type", "content-length"):
        return str(environ.get(name.upper().replace("-", "_"), ""))
    return str(environ.get("HTTP_" + name.upper().replace("-", "_"), ""))


def _signature(environ: dict[str, Any], body: bytes, fields: dict[str, str], secret: str) -> str | None:
    """The SigV4 signature of this request under `secret`, computed as the SDKs compute it."""
    _, date, region, service, terminal = fields["Credential"].split("/")
    amz_date = str(environ.get("HTTP_X_AMZ_DATE", ""))
    if not amz_date.startswith(date):
        return None
    signed = fields["SignedHeaders"].split(";")
    raw_path, _, query = str(environ.get("REQUEST_URI") or environ.get("PATH_INFO") or "/").partition("?")
    canonical_query = "&".join(
        sorted(
            f"{quote(key, safe='-_.~')}={quote(value, safe='-_.~')}"
            for key, value in parse_qsl(query, keep_blank_values=True)
        )
    )
    canonical_headers = "".join(f"{name}:{' '.join(_header(environ, name).split())}\n" for name in signed)
    payload = str(environ.get("HTTP_X_AMZ_CONTENT_SHA256") or hashlib.sha256(body).hexdigest())
    canonical = "\n".join(
        [
            str(environ.get("REQUEST_METHOD", "")),
            quote(raw_path or "/", safe="/~"),
            canonical_query,
            canonical_headers,
            fields["SignedHeaders"],
            payload,
        ]
    )
    scope = "/".join([date, region, service, terminal])
    to_sign = "\n".join([ALGORITHM, amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, terminal):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
