"""The aws backend: the real service through boto3 (standard credential chain, botocore's retries).

Retries follow AWS_MAX_ATTEMPTS / AWS_RETRY_MODE or the profile's max_attempts / retry_mode, else
standard mode with 5 attempts, which covers throttling. Every answer is read under a size bound and a
deadline (`aws_transport`) and checked against its output shape (`aws_answers`); botocore's exceptions
become ircli's errors in `aws_errors`. Resolved credentials are registered for redaction so that no
output carries them.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from typing import Any

from ircli.backends.aws_answers import answer_problem
from ircli.backends.aws_errors import call_problem, credential_problem, profile_named
from ircli.backends.aws_transport import BoundedTransport
from ircli.errors import ConfigurationError, InputError, IrcliError, UnreadableAnswer
from ircli.lib.backend import BackendKind
from ircli.lib.redaction import redact, register_secret, register_url

# botocore's retries when neither the environment (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE) nor the profile
# (max_attempts, retry_mode) says otherwise: standard mode absorbs throttling.
DEFAULT_RETRIES = {"mode": "standard", "total_max_attempts": 5}
RETRY_MODES = ("standard", "adaptive", "legacy")
# The AWS CLI's and botocore's, in seconds, for connecting and for each answer.
DEFAULT_TIMEOUT = 60.0


def retry_settings(
    environ: Mapping[str, str], profile_config: Mapping[str, Any], profile: str | None
) -> dict[str, Any]:
    """botocore's `retries` from AWS_RETRY_MODE / AWS_MAX_ATTEMPTS, else the profile's retry_mode /
    max_attempts, else ircli's default (standard, 5 attempts); what is given is checked (253)."""
    where = f"profile {profile!r}" if profile else "the default profile"
    mode, mode_source = environ.get("AWS_RETRY_MODE"), "AWS_RETRY_MODE"
    if not mode and profile_config.get("retry_mode"):
        mode, mode_source = str(profile_config["retry_mode"]), f"retry_mode in {where}"
    attempts, attempts_source = environ.get("AWS_MAX_ATTEMPTS"), "AWS_MAX_ATTEMPTS"
    if not attempts and profile_config.get("max_attempts"):
        attempts, attempts_source = str(profile_config["max_attempts"]), f"max_attempts in {where}"
    if not mode and not attempts:
        return dict(DEFAULT_RETRIES)
    retries: dict[str, Any] = {}
    if mode:
        if mode.strip().lower() not in RETRY_MODES:
            raise ConfigurationError(
                f"{mode_source} is {mode!r}.", hint=f"Use one of {', '.join(RETRY_MODES)} (or leave it unset)."
            )
        retries["mode"] = mode.strip().lower()
    if attempts:
        try:
            retries["total_max_attempts"] = int(attempts.strip())
        except ValueError:
            retries["total_max_attempts"] = 0
        if retries["total_max_attempts"] < 1:
            raise ConfigurationError(
                f"{attempts_source} is {attempts!r}.",
                hint="Give the number of attempts, 1 or more (1: no retries), or leave it unset.",
            )
    return retries


def botocore_timeout(value: float | None) -> float | None:
    """--cli-*-timeout as botocore takes it: not given is the default, 0 is no timeout (None)."""
    if value is None:
        return DEFAULT_TIMEOUT
    return None if value == 0 else value


def checked_endpoint_url(source: str, url: str) -> str:
    """An endpoint URL botocore can use, else a refusal naming where it came from (botocore would fail later,
    reading a bad port as if the service had answered)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it is the check: a port that is not a number raises here
    except ValueError as error:
        raise InputError(f"{source}: {redact(url)} is not a usable endpoint URL ({error}).") from None
    from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

    usable = is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or not usable:
        raise InputError(
            f"{source}: {redact(url)} is not a usable endpoint URL: it needs http:// or https:// and a host, "
            "e.g. http://127.0.0.1:4566."
        )
    return url


class AwsBackend:
    kind = BackendKind.AWS
    poll_interval = 15.0
    time_scale = 1.0
    simulated = False  # an answer carried the header below: the endpoint is `ircli simulator serve`
    # `ircli simulator serve` says how fast its time runs; the service does not send this header.
    TIME_SCALE_HEADER = "x-ircli-time-scale"

    def __init__(
        self,
        *,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
        environ: Mapping[str, str] | None = None,
        client: Any = None,
        clients: Mapping[str, Any] | None = None,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        verify: bool | str | None = None,
    ) -> None:
        # The caller resolves AWS_REGION (honoured as the AWS CLI v2 does; botocore itself reads only
        # AWS_DEFAULT_REGION) and the endpoint URL from its injected environment.
        self.region = region
        self.profile = profile
        self.endpoint_url = endpoint_url
        self.environ = environ or {}
        # --cli-connect-timeout / --cli-read-timeout: None when not given, 0 for none.
        self.timeouts = (botocore_timeout(connect_timeout), botocore_timeout(read_timeout))
        self.verify = verify  # --no-verify-ssl / --ca-bundle, as the AWS CLI passes them to botocore
        # Clients given here (a test's stubbed ones) are used as they are; the others are made when needed.
        self._clients: dict[str, Any] = dict(clients or {})
        if client is not None:
            self._clients["sagemaker"] = client

    @property
    def client(self) -> Any:
        return self.client_for("sagemaker")

    @property
    def profile_name(self) -> str | None:
        return self.profile or self.environ.get("AWS_PROFILE") or None

    def client_for(self, service: str) -> Any:
        if service not in self._clients:
            try:
                self._clients[service] = self._make_client(service)
            except IrcliError:
                raise
            except Exception as exc:
                problem = credential_problem(exc, self.profile_name, self.environ)
                if problem is None:
                    raise
                raise problem from None
        return self._clients[service]

    def service_endpoint(self, service: str) -> str | None:
        """--endpoint-url for every service (one simulator serves them all), else the service's
        AWS_ENDPOINT_URL_<SERVICE> variable, else AWS_ENDPOINT_URL, as botocore reads them."""
        from ircli.operations import Service

        if service not in {member.value for member in Service}:  # S3: only its own variables, never --endpoint-url
            for variable in ("AWS_ENDPOINT_URL_" + service.upper(), "AWS_ENDPOINT_URL"):
                if self.environ.get(variable):
                    return checked_endpoint_url(
                        variable, register_url(self.environ[variable]) or self.environ[variable]
                    )
            return None
        variable = Service(service).model.endpoint_variable
        for source, url in (
            ("--endpoint-url", self.endpoint_url),
            (variable, self.environ.get(variable)),
            ("AWS_ENDPOINT_URL", self.environ.get("AWS_ENDPOINT_URL")),
        ):
            if url:
                return checked_endpoint_url(source, register_url(url) or url)
        return None

    def _make_client(self, service: str) -> Any:
        import boto3
        import botocore.session
        from botocore.config import Config

        environ = self.environ
        keys = {}
        if environ.get("AWS_ACCESS_KEY_ID") and environ.get("AWS_SECRET_ACCESS_KEY"):
            keys = {
                "aws_access_key_id": environ["AWS_ACCESS_KEY_ID"],
                "aws_secret_access_key": environ["AWS_SECRET_ACCESS_KEY"],
                "aws_session_token": environ.get("AWS_SESSION_TOKEN") or None,
            }
        elif environ.get("AWS_ACCESS_KEY_ID"):
            from botocore.exceptions import PartialCredentialsError

            raise PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY")
        # Credentials and profile come from the injected environment first; without them botocore's own
        # chain (config files, instance metadata) runs as usual.
        core = botocore.session.Session()
        session = boto3.Session(
            botocore_session=core,
            profile_name=self.profile_name,
            region_name=environ.get("AWS_DEFAULT_REGION") or None,
            **keys,
        )
        connect_timeout, read_timeout = self.timeouts
        config = Config(
            retries=retry_settings(environ, core.get_scoped_config(), self.profile_name),
            user_agent_extra="ircli",
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
        )
        try:
            client = session.client(
                service,
                region_name=self._client_region(service),
                endpoint_url=self.service_endpoint(service),
                config=config,
                verify=self.verify,
            )
        except json.JSONDecodeError:
            raise  # a credential_process's output: explained with the other credential failures
        except ValueError as exc:
            raise ConfigurationError(f"The AWS client cannot be created: {exc}.") from None
        # The read timeout bounds each answer in full from the moment its request is sent, whatever the
        # server's pace (botocore's bounds each read from the socket only); answers are bounded in size.
        endpoint = client._endpoint
        endpoint.http_session = BoundedTransport(
            endpoint.http_session, deadline=read_timeout, json_object=client.meta.service_model.protocol == "json"
        )
        self._register_credentials(session)
        return client

    def _client_region(self, service: str) -> str | None:
        """The region a client is made in: the Price List API answers only in a few regions (whichever
        region it prices), so its client goes to the job's region when that is one of them, else us-east-1."""
        if service != "pricing":
            return self.region
        from ircli.lib.prices import PRICING_REGIONS

        region = self.region or self.environ.get("AWS_DEFAULT_REGION")
        return region if region in PRICING_REGIONS else PRICING_REGIONS[0]

    def get_products(self, request: dict[str, Any]) -> dict[str, Any]:
        """The Price List API's GetProducts (`ircli.lib.prices.PriceSource`), through the pricing client."""
        return self.call("GetProducts", request)

    def _register_credentials(self, session: Any) -> None:
        credentials = session.get_credentials()
        if credentials is None:
            return
        try:
            frozen = credentials.get_frozen_credentials()
        except RuntimeError as exc:
            # botocore's words for credentials (a credential_process's) whose Expiration has passed.
            raise ConfigurationError(
                f"The credentials of {profile_named(self.profile_name)} have expired: {exc}",
                hint="Renew them (its credential_process must print an Expiration still to come), "
                "or use another --profile.",
            ) from None
        for secret in (frozen.access_key, frozen.secret_key, frozen.token):
            register_secret(secret)

    def prepare(self, operation: str) -> None:
        from ircli.operations import find

        self.client_for(find(operation).service.value)

    def call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        from botocore import xform_name

        from ircli.operations import find

        client = self.client_for(find(operation).service.value)
        try:
            response: dict[str, Any] = getattr(client, xform_name(operation))(**request)
        except Exception as exc:
            problem = call_problem(exc, operation, self.timeouts) or credential_problem(
                exc, self.profile_name, self.environ
            )
            if problem is None:
                raise
            raise problem from None
        output_shape = client.meta.service_model.operation_model(operation).output_shape
        wrong = answer_problem(output_shape, response)
        if wrong is not None:
            raise UnreadableAnswer(operation, wrong)
        headers = response.pop("ResponseMetadata", {}).get("HTTPHeaders", {})
        if self.TIME_SCALE_HEADER in headers:
            self.simulated = True
            with contextlib.suppress(ValueError):
                self.time_scale = max(0.0, float(headers[self.TIME_SCALE_HEADER]))
        return response

    def read_object(self, uri: str) -> bytes | None:
        """GetObject with the same credentials; S3's endpoint is AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL when
        set (never --endpoint-url, which names the SageMaker endpoint)."""
        match = re.match(r"^(?:s3|https)://([^/]+)/?(.*)$", uri)
        if match is None:
            raise InputError(f"{uri!r} is not an S3 URI")
        if "s3" not in self._clients:
            self._clients["s3"] = self._make_client("s3")
        try:
            answer = self._clients["s3"].get_object(Bucket=match[1], Key=match[2])
            body: bytes = answer["Body"].read()
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code")
            if code in ("NoSuchKey", "404"):
                return None
            problem = call_problem(exc, "GetObject", self.timeouts) or credential_problem(
                exc, self.profile_name, self.environ
            )
            if problem is None:
                raise
            raise problem from None
        return body

    def close(self) -> None:
        """boto3's clients hold nothing that needs closing."""
