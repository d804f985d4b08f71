"""Errors the simulator raises, carrying the service's error codes and message style."""

from __future__ import annotations


class SimulatorError(Exception):
    code = "InternalFailure"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationException(SimulatorError):
    code = "ValidationException"


class ResourceInUse(SimulatorError):
    code = "ResourceInUse"


class ResourceNotFound(SimulatorError):
    code = "ResourceNotFound"


class ResourceLimitExceeded(SimulatorError):
    code = "ResourceLimitExceeded"


class SerializationException(SimulatorError):
    code = "SerializationException"


class UnknownOperationException(SimulatorError):
    code = "UnknownOperationException"


class ConflictException(SimulatorError):
    code = "ConflictException"


# CloudWatch Logs' and Application Auto Scaling's codes.
class ResourceNotFoundException(SimulatorError):
    code = "ResourceNotFoundException"


class InvalidParameterException(SimulatorError):
    code = "InvalidParameterException"


class InvalidNextTokenException(SimulatorError):  # the Price List API's word for a bad NextToken
    code = "InvalidNextTokenException"


class ObjectNotFoundException(SimulatorError):
    code = "ObjectNotFoundException"


# SageMaker Runtime's: a missing endpoint is a ValidationError there.
class ValidationError(SimulatorError):
    code = "ValidationError"


class ModelError(SimulatorError):
    code = "ModelError"
    status = 424


# CloudWatch's (query-protocol codes, as its model names them).
class InvalidParameterValue(SimulatorError):
    code = "InvalidParameterValue"


class InvalidParameterCombination(SimulatorError):
    code = "InvalidParameterCombination"


class MissingParameter(SimulatorError):
    code = "MissingParameter"
