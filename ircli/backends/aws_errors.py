"""The one place where botocore's exceptions become ircli's errors, chosen by their type.

Credentials and configuration that cannot be used are the environment's problem (253) with what to set
and in which profile or file; a service error is 254; an answer that cannot be read, arrives too late
or not at all is 255, as in the AWS CLI. Anything not listed here stays unexpected (255 with --debug's
traceback), because hiding it would hide a defect.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ircli.backends.aws_transport import AnswerUnreadable
from ircli.errors import ConfigurationError, InputError, IrcliError, ServiceError, UnreadableAnswer


def config_files(environ: Mapping[str, str]) -> tuple[str, str]:
    """The config and credentials files botocore reads, as the user would name them."""
    return (
        environ.get("AWS_CONFIG_FILE") or "~/.aws/config",
        environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials",
    )


def profile_named(profile: str | None) -> str:
    return f"profile {profile!r}" if profile else "the default profile"


def _sentence(exc: Exception) -> str:
    """botocore's message as one sentence (a credential_process's stderr ends with a newline)."""
    return " ".join(str(exc).split()).rstrip(".") + "."


def credential_problem(exc: Exception, profile: str | None, environ: Mapping[str, str]) -> IrcliError | None:
    """A configuration or credential failure as a 253 with a hint naming what to set, or None."""
    from botocore import exceptions as botocore

    config, credentials = config_files(environ)
    named = profile_named(profile)
    if isinstance(exc, botocore.PartialCredentialsError):
        provider, missing = exc.kwargs.get("provider", ""), exc.kwargs.get("cred_var", "")
        if provider == "env":
            hint = (
                f"Set {missing} too, or unset AWS_ACCESS_KEY_ID (and AWS_SECRET_ACCESS_KEY) to use "
                f"{named} from {credentials} and {config}."
            )
        else:
            hint = f"Add {missing} to {named} in {credentials} (or {config}), or remove its incomplete keys."
        return ConfigurationError(_sentence(exc), hint=hint)
    if isinstance(exc, (botocore.CredentialRetrievalError, json.JSONDecodeError)):
        message = _sentence(exc)
        if isinstance(exc, json.JSONDecodeError):  # what a credential_process printed is not JSON
            message = f"The credential_process of {named} printed something that is not JSON ({exc})."
        return ConfigurationError(
            message,
            hint=f"Run the credential_process of {named} in {config} by hand to see why it fails: it must exit 0 "
            "and print JSON with Version 1, AccessKeyId, SecretAccessKey and, if it expires, an Expiration "
            "still to come.",
        )
    if isinstance(exc, botocore.ProfileNotFound):
        return ConfigurationError(
            f"The config profile ({exc.kwargs.get('profile', profile)}) could not be found.",
            hint=f"Check --profile / AWS_PROFILE against the profiles in {config} and {credentials}.",
        )
    if isinstance(exc, botocore.InvalidConfigError):
        return ConfigurationError(
            _sentence(exc),
            hint=f"Fix {named} in {config}: a source_profile must name a profile that exists and has credentials.",
        )
    if isinstance(exc, botocore.ConfigParseError):
        return ConfigurationError(_sentence(exc), hint="Fix the file's syntax (INI: [profile NAME] then key = value).")
    if isinstance(exc, (botocore.TokenRetrievalError, botocore.SSOError)):
        login = f"aws sso login --profile {profile or 'default'}"
        return ConfigurationError(_sentence(exc), hint=f"Sign in again: {login}.")
    if isinstance(exc, botocore.NoCredentialsError):
        return ConfigurationError(
            "Unable to locate credentials.",
            hint="Run `aws configure`, pass --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; "
            "for no AWS at all, use --backend local.",
        )
    if isinstance(exc, botocore.NoRegionError):
        return ConfigurationError(
            "You must specify a region.",
            hint="Pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or run `aws configure`.",
        )
    if isinstance(exc, (botocore.InvalidRetryConfigurationError, botocore.UnknownCredentialError)):
        return ConfigurationError(_sentence(exc))
    return None


def call_problem(exc: Exception, operation: str, timeouts: tuple[float | None, float | None]) -> IrcliError | None:
    """What a failed call means to the user, or None for an exception that is not botocore's to explain.
    `timeouts`: the connect and read timeouts in force (None: none)."""
    from botocore import exceptions as botocore
    from botocore.parsers import ResponseParserError

    if isinstance(exc, botocore.ClientError):
        error: dict[str, Any] = exc.response.get("Error", {})
        metadata: dict[str, Any] = exc.response.get("ResponseMetadata", {})
        return ServiceError(
            error.get("Code", "Unknown"),
            error.get("Message", str(exc)),
            operation,
            request_id=metadata.get("RequestId"),
            retried=bool(metadata.get("RetryAttempts")),
        )
    if isinstance(exc, botocore.ParamValidationError):
        return InputError(str(exc))
    if isinstance(exc, botocore.ConnectTimeoutError):
        return IrcliError(
            f"{exc}: no connection within {_seconds(timeouts[0])}.",
            hint="Check the endpoint and the network, or allow longer with --cli-connect-timeout SECONDS.",
        )
    if isinstance(exc, botocore.ReadTimeoutError):
        return IrcliError(
            f"{exc}: no complete answer to {operation} within {_seconds(timeouts[1])}.",
            hint="Allow longer with --cli-read-timeout SECONDS (0: wait for ever).",
        )
    if isinstance(exc, botocore.EndpointConnectionError):
        return IrcliError(f"Could not connect to the endpoint URL: {exc.kwargs.get('endpoint_url', '')}")
    if isinstance(exc, botocore.ConnectionClosedError):
        detail = exc.kwargs.get("error")
        reason = "the connection closed before the answer was complete" + (f" ({detail})" if detail else "")
        return UnreadableAnswer(operation, reason)
    if isinstance(exc, AnswerUnreadable):
        return UnreadableAnswer(operation, exc.reason)
    if isinstance(exc, (ResponseParserError, RecursionError)):
        return UnreadableAnswer(operation, "it is not the JSON the API defines")
    if isinstance(exc, botocore.HTTPClientError):
        return IrcliError(f"The {operation} request failed: {exc}")
    if isinstance(exc, (AttributeError, TypeError, ValueError)) and not isinstance(exc, botocore.BotoCoreError):
        # botocore's parser fails this way on an answer whose members are not of the API's types (a list
        # where an object belongs, a timestamp that is not one).
        return UnreadableAnswer(operation, f"its members are not of the types the API defines ({exc})")
    return None


def _seconds(value: float | None) -> str:
    return "the time allowed" if value is None else f"{value:g} s"
