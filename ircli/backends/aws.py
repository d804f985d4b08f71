"""The aws backend: the real service through boto3 (standard credential chain, standard retries).

Missing credentials or region become `ConfigurationError` (exit 253), service errors `ServiceError`
(exit 254) after botocore's standard-mode retries, which cover throttling. Resolved credentials are
registered for redaction so that no output carries them.
"""

from __future__ import annotations

import os
from typing import Any

from ircli.backends import BackendKind
from ircli.errors import ConfigurationError, InputError, IrcliError, ServiceError
from ircli.lib.redaction import register_secret

MAX_ATTEMPTS = 5


class AwsBackend:
    kind = BackendKind.AWS

    def __init__(
        self,
        *,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
        client: Any = None,
    ) -> None:
        # AWS_REGION is honoured as the AWS CLI v2 does; botocore itself reads only AWS_DEFAULT_REGION.
        self.region = region or os.environ.get("AWS_REGION") or None
        self.profile = profile
        self.endpoint_url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL_SAGEMAKER") or None
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self._make_client()
        return self._client

    def _make_client(self) -> Any:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import NoRegionError, ProfileNotFound

        try:
            session = boto3.Session(profile_name=self.profile)
        except ProfileNotFound:
            raise ConfigurationError(
                f"The config profile ({self.profile}) could not be found.",
                hint="Check --profile / AWS_PROFILE against ~/.aws/config.",
            ) from None
        config = Config(retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS}, user_agent_extra="ircli")
        try:
            client = session.client("sagemaker", region_name=self.region, endpoint_url=self.endpoint_url, config=config)
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

        method = getattr(self.client, xform_name(operation))
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
        response.pop("ResponseMetadata", None)
        return response
