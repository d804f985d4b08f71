"""`mock_ircli()`: the simulator in process, as moto's `mock_aws` is: botocore's calls to the services the
simulator serves are answered by a `before-send` handler, with no server, no port and no network.

The handler is registered once, first among botocore's built-in `before-send` handlers (so every session
made after `ircli.testing` is imported has it, ahead of moto's), and answers only while a mock is active.
It answers a request when botocore's event names one of the simulator's services (`ircli.operations`'s
`Service`: SageMaker, its runtime, CloudWatch Logs, Application Auto Scaling, and any service added there);
anything else it passes on untouched (it returns None), so moto's `mock_aws`, inside or outside it, answers
S3, IAM or STS. botocore calls every `before-send` handler even after one has answered, so a request ircli
answered is marked for the handlers after it (its URL moves to the reserved host `ircli-mock.invalid`,
which no moto pattern claims). An operation of a served service that the simulator does not know goes on
to moto while moto's mock is active; otherwise the simulator refuses it as the service would an unknown
operation: nothing reaches the network either way.
"""

from __future__ import annotations

import functools
import inspect
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit, urlunsplit

from ircli.operations import OPERATIONS, OperationKey
from ircli.simulator.access import Access
from ircli.simulator.common import speed_factor
from ircli.simulator.models import Simulator
from ircli.simulator.server import SimulatorApp
from ircli.simulator.store import Store
from ircli.testing import environment, transport
from ircli.testing.checks import running_jobs
from ircli.testing.clock import MockClock

F = TypeVar("F", bound=Callable[..., Any])
ANSWERED_HOST = "ircli-mock.invalid"


class IrcliMock:
    """One in-process simulator: a context manager (`with mock_ircli() as mock:`) and a decorator of test
    functions and classes. Each start begins from a fresh state in a temporary directory, removed at the
    stop, unless `state_dir` names one to keep."""

    def __init__(
        self,
        *,
        speed: str | None = "instant",
        state_dir: str | Path | None = None,
        clock: float | Callable[[], float] | MockClock | None = None,
        region: str | None = None,
    ) -> None:
        speed_factor(speed)  # a speed that is not one fails here, not at the first request
        self.speed = speed
        self.kept_state_dir = Path(state_dir) if state_dir is not None else None
        self._clock_spec = clock
        self.region = region
        self._active: list[_Session] = []

    # -- what a test reads and steps ---------------------------------------------------------------------

    @property
    def _session(self) -> _Session:
        if not self._active:
            raise RuntimeError("the ircli mock is not started: use it as `with mock_ircli() as mock:`")
        return self._active[-1]

    @property
    def simulator(self) -> Simulator:
        return self._session.simulator

    @property
    def clock(self) -> MockClock:
        return self._session.clock

    @property
    def state_dir(self) -> Path:
        return self._session.state_dir

    def advance(self, seconds: float) -> float:
        """Move the simulator's time on by `seconds` (a job's benchmarks, an endpoint's creation...)."""
        return self.clock.advance(seconds)

    def running_jobs(self) -> list[str]:
        """The recommendation jobs that have not ended yet."""
        return running_jobs(self.simulator)

    # -- starting and stopping --------------------------------------------------------------------------

    def start(self) -> IrcliMock:
        self._active.append(_Session(self))
        ROUTER.push(self._active[-1])
        return self

    def stop(self) -> None:
        if not self._active:
            raise RuntimeError("stop() called on an ircli mock that is not started")
        session = self._active.pop()
        ROUTER.pop(session)
        session.close()

    def __enter__(self) -> IrcliMock:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def __call__(self, target: F) -> F:
        """Decorate a test function (sync or async: a fresh mock each call) or a test class (each test)."""
        if inspect.isclass(target):
            return cast(F, _decorate_class(self, target))
        if inspect.iscoroutinefunction(target):

            @functools.wraps(target)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await target(*args, **kwargs)

            return cast(F, run_async)

        @functools.wraps(target)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return target(*args, **kwargs)

        return cast(F, run)


class _Session:
    """One start of a mock: its state directory, clock, simulator, HTTP application and environment."""

    def __init__(self, mock: IrcliMock) -> None:
        self.temporary = mock.kept_state_dir is None
        self.state_dir = mock.kept_state_dir or Path(tempfile.mkdtemp(prefix="ircli-mock-"))
        spec = mock._clock_spec
        self.clock = spec if isinstance(spec, MockClock) else MockClock(spec)
        region = mock.region or environment.current_region() or environment.DEFAULT_REGION
        self.simulator = Simulator(Store(self.state_dir), clock=self.clock, region=region, speed=mock.speed)
        self.app = SimulatorApp(self.simulator, Access.in_process())
        self.lock = threading.Lock()  # the simulator answers one request at a time, as the server does
        self.variables = environment.Variables(environment.missing_variables(region))
        self.variables.apply()
        self._default_session = _forget_default_boto3_session()

    def answer(self, request: Any) -> Any:
        with self.lock:
            return transport.answer(self.app, request)

    def close(self) -> None:
        self.variables.restore()
        _restore_default_boto3_session(self._default_session)
        self.simulator.store.close()
        if self.temporary:
            shutil.rmtree(self.state_dir, ignore_errors=True)


_NO_SESSION = object()


def _forget_default_boto3_session() -> object:
    """boto3's default session may predate the handler: the mock's clients get a new one (as with moto)."""
    boto3: Any = sys.modules.get("boto3")
    if boto3 is None:
        return _NO_SESSION
    before = boto3.DEFAULT_SESSION
    boto3.DEFAULT_SESSION = None
    return before


def _restore_default_boto3_session(before: object) -> None:
    boto3: Any = sys.modules.get("boto3")
    if boto3 is not None and before is not _NO_SESSION:
        boto3.DEFAULT_SESSION = before


def _moto_is_active() -> bool:
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


class Router:
    """The one `before-send` handler: the innermost active mock answers its services' requests."""

    def __init__(self) -> None:
        self._sessions: list[_Session] = []
        self._lock = threading.Lock()
        self.services = transport.event_service_names()

    def push(self, session: _Session) -> None:
        with self._lock:
            self._sessions.append(session)

    def pop(self, session: _Session) -> None:
        with self._lock:
            self._sessions.remove(session)

    def __call__(self, request: Any, event_name: str = "", **_: Any) -> Any:
        if not self._sessions:
            return None
        parts = event_name.split(".")
        service = self.services.get(parts[1]) if len(parts) == 3 else None
        if service is None:
            return None
        if OperationKey(service, parts[2]) not in OPERATIONS and _moto_is_active():
            return None
        with self._lock:
            session = self._sessions[-1] if self._sessions else None
        if session is None:
            return None
        response = session.answer(request)
        url = urlsplit(request.url)
        request.url = urlunsplit(("http", ANSWERED_HOST, url.path, url.query, ""))  # later handlers leave it
        return response


ROUTER = Router()


def _register() -> None:
    from botocore.handlers import BUILTIN_HANDLERS, REGISTER_FIRST

    if not any(spec[1] is ROUTER for spec in BUILTIN_HANDLERS):
        BUILTIN_HANDLERS.append(("before-send", ROUTER, REGISTER_FIRST))


_register()


def patch_client(client: Any) -> Any:
    """Let a client made before `ircli.testing` was imported be answered by the mock too (as moto's
    `patch_client`); returns the client."""
    client.meta.events.unregister("before-send", ROUTER)
    client.meta.events.register_first("before-send", ROUTER)
    return client


def mock_ircli(
    *,
    speed: str | None = "instant",
    state_dir: str | Path | None = None,
    clock: float | Callable[[], float] | MockClock | None = None,
    region: str | None = None,
) -> IrcliMock:
    """The simulator in process for boto3 and everything built on it (the SageMaker SDK, sagemaker-core).

    - `speed`: as IRCLI_SIM_SPEED: "instant" (the default: a job is COMPLETED, an endpoint InService, when
      next read), "default" (a Default job in about 30 s of its clock), "realtime", or a speed-up factor;
    - `clock`: a `MockClock`, a fixed epoch (time stands still until `mock.advance(seconds)`), or a callable;
      by default the wall clock, which `mock.advance` moves ahead;
    - `state_dir`: keep the state there (and leave it) instead of a fresh temporary directory;
    - `region`: the region of the ARNs it makes (by default the environment's, else us-east-1).
    """
    return IrcliMock(speed=speed, state_dir=state_dir, clock=clock, region=region)


def _decorate_class(mock: IrcliMock, cls: type) -> type:
    """Each test of the class runs in a fresh mock: for a `unittest.TestCase` from `setUp` to its cleanups
    (so `setUp` and `tearDown` see the same simulator), for a pytest class from `setup_method` to
    `teardown_method`."""
    import unittest

    if issubclass(cls, unittest.TestCase):
        original_set_up = cls.setUp

        def set_up(self: unittest.TestCase) -> None:
            mock.start()
            self.addCleanup(mock.stop)
            original_set_up(self)

        cls.setUp = set_up  # type: ignore[method-assign]
        return cls
    original_setup = getattr(cls, "setup_method", None)
    original_teardown = getattr(cls, "teardown_method", None)

    def setup_method(self: Any, method: Any = None) -> None:
        mock.start()
        _call_optional(original_setup, self, method)

    def teardown_method(self: Any, method: Any = None) -> None:
        try:
            _call_optional(original_teardown, self, method)
        finally:
            mock.stop()

    setattr(cls, "setup_method", setup_method)  # noqa: B010 - pytest finds them by these names
    setattr(cls, "teardown_method", teardown_method)  # noqa: B010
    return cls


def _call_optional(function: Callable[..., Any] | None, instance: Any, method: Any) -> None:
    """pytest passes `setup_method` its test only when it takes one; so does the wrapper."""
    if function is None:
        return
    if len(inspect.signature(function).parameters) > 1:
        function(instance, method)
    else:
        function(instance)
