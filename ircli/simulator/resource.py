"""`Resource`, the base of the per-resource models, and `handles`, the decorator by which a model's
method registers itself as the handler of one (service, operation): the handlers live beside their code,
and the simulator finds them by the operation's key."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ircli.operations import OPERATIONS, OperationKey, Service
from ircli.simulator.common import ACCOUNT_ID

if TYPE_CHECKING:
    from ircli.simulator.models import Simulator
    from ircli.simulator.store import Store

Request = dict[str, Any]
Handler = Callable[[Any, Request], dict[str, Any]]
F = TypeVar("F", bound=Handler)

# (service, operation) -> the model class whose method answers it, and that method's name (looked up on
# each call, as any method is). Filled as the resource modules are imported (the simulator imports a
# service's on its first request).
HANDLERS: dict[OperationKey, tuple[type[Resource], str]] = {}


class Resource:
    """One kind of resource of the simulated services, over the simulator's store and clock."""

    def __init__(self, simulator: Simulator) -> None:
        self.sim = simulator

    @property
    def store(self) -> Store:
        return self.sim.store

    @property
    def speed(self) -> str | None:
        return self.sim.speed

    def clock(self) -> float:
        """Now, in whole milliseconds, as the service keeps its times."""
        return round(self.sim.clock(), 3)

    def arn(self, kind: str, name: str) -> str:
        return f"arn:aws:sagemaker:{self.sim.region}:{ACCOUNT_ID}:{kind}/{name.lower()}"


class _Registration:
    """Stands in for the method while its class body runs; once the class exists, records the handler
    and puts the plain function back."""

    def __init__(self, key: OperationKey, function: Handler) -> None:
        self.key, self.function = key, function

    def __set_name__(self, owner: type[Resource], name: str) -> None:
        if self.key in HANDLERS:  # the same method again when its module is reloaded, never another
            earlier, method = HANDLERS[self.key]
            if (earlier.__module__, earlier.__qualname__, method) != (owner.__module__, owner.__qualname__, name):
                raise TypeError(f"{self.key} has two handlers: {earlier.__qualname__}.{method} and {name}")
        HANDLERS[self.key] = (owner, name)
        setattr(owner, name, self.function)


def handles(service: Service, name: str) -> Callable[[F], F]:
    """Register the decorated method as the handler of the registered operation `service`/`name`."""
    key = OperationKey(service, name)
    if key not in OPERATIONS:
        raise KeyError(f"{key} is not in the registry (ircli/operations.py)")

    def register(function: F) -> F:
        registration: Any = _Registration(key, function)
        return registration  # type: ignore[no-any-return]

    return register
