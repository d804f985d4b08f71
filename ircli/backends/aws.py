"""The aws backend: the real service through boto3 (standard credential chain, standard retries).

Missing credentials or region become `ConfigurationError` (exit 253), service errors `ServiceError`
(exit 254) after botocore's standard-mode retries, which cover throttling. Resolved credentials are
registered for redaction so that no output carries them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from ircli.errors import ConfigurationError, InputError, IrcliError, ServiceError
from ircli.lib.backend import BackendKind
from ircli.lib.redaction import register_secret, register_url

MAX_ATTEMPTS = 5
# botocore's service ids in AWS_ENDPOINT_URL_<SERVICE>, where they differ from the client name.
ENDPOINT_VARIABLES = {"logs": "CLOUDWATCH_LOGS", "application-autoscaling": "APPLICATION_AUTO_SCALING"}


class AwsBackend:
    kind = BackendKind.AWS
    poll_interval = 15.0
    time_scale = 1.0
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
    ) -> None:
        # The caller resolves AWS_REGION (honoured as the AWS CLI v2 does; botocore itself reads only
        # AWS_DEFAULT_REGION) and the endpoint URL from its injected environment.
        self.region = region
        self.profile = profile
        self.endpoint_url = endpoint_url
        self.environ = environ or {}
        self._session: Any = None
        # Clients given here (a test's stubbed ones) are used as they are; the others are made when needed.
        self._clients: dict[str, Any] = dict(clients or {})
        if client is not None:
            self._clients["sagemaker"] = client

    @property
    def client(self) -> Any:
        return self.client_for("sagemaker")

    def client_for(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._make_client(service)
        return self._clients[service]

    def service_endpoint(self, service: str) -> str | None:
        """--endpoint-url for every service (one simulator serves them all), else the service's
        AWS_ENDPOINT_URL_<SERVICE> variable, else AWS_ENDPOINT_URL, as botocore reads them."""
        variable = "AWS_ENDPOINT_URL_" + ENDPOINT_VARIABLES.get(service, service.upper().replace("-", "_"))
        return register_url(
            self.endpoint_url or self.environ.get(variable) or self.environ.get("AWS_ENDPOINT_URL") or None
        )

    def _make_client(self, service: str) -> Any:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import NoRegionError, ProfileNotFound

        environ = self.environ
        # Credentials and profile come from the injected environment first; without them botocore's own
        # chain (config files, instance metadata) runs as usual.
        keys = {}
        if environ.get("AWS_ACCESS_KEY_ID") and environ.get("AWS_SECRET_ACCESS_KEY"):
            keys = {
                "aws_access_key_id": environ["AWS_ACCESS_KEY_ID"],
                "aws_secret_access_key": environ["AWS_SECRET_ACCESS_KEY"],
                "aws_session_token": environ.get("AWS_SESSION_TOKEN") or None,
            }
        try:
            session = boto3.Session(
                profile_name=self.profile or environ.get("AWS_PROFILE") or None,
                region_name=environ.get("AWS_DEFAULT_REGION") or None,
                **keys,
            )
        except ProfileNotFound:
            raise ConfigurationError(
                f"The config profile ({self.profile}) could not be found.",
                hint="Check --profile / AWS_PROFILE against ~/.aws/config.",
            ) from None
        config = Config(retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS}, user_agent_extra="ircli")
        try:
            client = session.client(
                service, region_name=self.region, endpoint_url=self.service_endpoint(service), config=config
            )
        except NoRegionError:
            raise ConfigurationError(
                "You must specify a region.",
                hint="Pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or run `aws configure`.",
            ) from None
        except ValueError as exc:
            raise ConfigurationError(f"The AWS client cannot be created: {exc}.") from None
        credentials = session.get_credentials()
        if credentials is not None:
            frozen = credentials.get_frozen_credentials()
            for secret in (frozen.access_key, frozen.secret_key, frozen.token):
                register_secret(secret)
        return client

    def call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        from botocore import xform_name
        from botocore.exceptions import (
            ClientError,
            EndpointConnectionError,
            NoCredentialsError,
            ParamValidationError,
            PartialCredentialsError,
        )

        from ircli.operations import OPERATIONS

        method = getattr(self.client_for(OPERATIONS[operation].service.value), xform_name(operation))
        try:
            response: dict[str, Any] = method(**request)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            request_id = exc.response.get("ResponseMetadata", {}).get("RequestId")
            raise ServiceError(
                error.get("Code", "Unknown"), error.get("Message", str(exc)), operation, request_id=request_id
            ) from None
        except (NoCredentialsError, PartialCredentialsError):
            raise ConfigurationError(
                "Unable to locate credentials.",
                hint="Run `aws configure`, pass --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; "
                "for no AWS at all, use --backend local.",
            ) from None
        except ParamValidationError as exc:
            raise InputError(str(exc)) from None
        except EndpointConnectionError as exc:
            raise IrcliError(f"Could not connect to the endpoint URL: {exc.kwargs.get('endpoint_url', '')}") from None
        headers = response.pop("ResponseMetadata", {}).get("HTTPHeaders", {})
        if self.TIME_SCALE_HEADER in headers:
            with contextlib.suppress(ValueError):
                self.time_scale = max(0.0, float(headers[self.TIME_SCALE_HEADER]))
        return response

    def close(self) -> None:
        """boto3's clients hold nothing that needs closing."""
