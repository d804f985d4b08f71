"""`ircli load-test`: a job's TrafficPattern and StoppingConditions run on Locust against an endpoint or a
container the user chooses, answered in Inference Recommender's shape and kept as a job that describe-job,
rank-recommendations, compare-jobs, cost-estimate and report read."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Annotated, Any

import typer

from ircli.cli.api import CliInputJson, CliInputYaml, context
from ircli.cli.context import CliContext
from ircli.cli.output.views import View
from ircli.errors import ConfigurationError, InputError, IrcliError

TRAFFIC, TARGET, DISTRIBUTED = "Traffic and stopping conditions", "Target and payloads", "Distributed"
VIEWS = "ircli.cli.output.views.loadtest"


class LoadTestFailed(IrcliError):
    """The load test ran, and no level met its conditions (the container's errors are shown above)."""


def load_test(
    ctx: typer.Context,
    cli_input_json: CliInputJson = None,
    cli_input_yaml: CliInputYaml = None,
    endpoint_name: Annotated[
        str | None,
        typer.Option("--endpoint-name", help="A SageMaker endpoint, through InvokeEndpoint.", rich_help_panel=TARGET),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            metavar="URL",
            help="A container with SageMaker's contract (GET /ping, POST /invocations).",
            rich_help_panel=TARGET,
        ),
    ] = None,
    payload: Annotated[
        str | None,
        typer.Option(
            "--payload",
            metavar="PATH",
            help="Sample payloads: a .tar.gz, a folder or one file.",
            rich_help_panel=TARGET,
        ),
    ] = None,
    content_type: Annotated[
        str | None,
        typer.Option(
            "--content-type",
            metavar="TYPE",
            help="The payloads' content type (default: the request file's, or by their suffix).",
            rich_help_panel=TARGET,
        ),
    ] = None,
    accept: Annotated[
        str | None, typer.Option("--accept", metavar="TYPE", help="The Accept header to send.", rich_help_panel=TARGET)
    ] = None,
    instance_type: Annotated[
        str | None,
        typer.Option("--instance-type", help="What a --url container stands for (for costs).", rich_help_panel=TARGET),
    ] = None,
    instance_count: Annotated[
        int | None,
        typer.Option(
            "--instance-count", min=1, metavar="N", help="With --instance-type: how many.", rich_help_panel=TARGET
        ),
    ] = None,
    variant: Annotated[
        str | None,
        typer.Option(
            "--variant", metavar="NAME", help="The endpoint's variant (TargetVariant).", rich_help_panel=TARGET
        ),
    ] = None,
    phase: Annotated[
        list[str] | None,
        typer.Option(
            "--phase",
            help="InitialNumberOfUsers=N,SpawnRate=N,DurationInSeconds=N (repeatable).",
            rich_help_panel=TRAFFIC,
        ),
    ] = None,
    stairs: Annotated[
        str | None,
        typer.Option("--stairs", help="DurationInSeconds=N,NumberOfSteps=N,UsersPerStep=N.", rich_help_panel=TRAFFIC),
    ] = None,
    max_invocations: Annotated[
        int | None, typer.Option("--max-invocations", min=1, help="Per minute.", rich_help_panel=TRAFFIC)
    ] = None,
    model_latency_threshold: Annotated[
        str | None,
        typer.Option("--model-latency-threshold", help="PERCENTILE=MS, e.g. P95=100.", rich_help_panel=TRAFFIC),
    ] = None,
    flat_invocations: Annotated[
        str | None,
        typer.Option(
            "--flat-invocations", metavar="Stop|Continue", help="Stop (default) or Continue.", rich_help_panel=TRAFFIC
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="The name it is kept under (default: load-test-TIME).")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=0,
            max=64,
            metavar="N",
            help="Local Locust worker processes under a master (0: one process). Default: one process, or one "
            "worker a core (os.cpu_count()) when the traffic reaches more than 100 users, more than one "
            "process drives.",
            rich_help_panel=DISTRIBUTED,
        ),
    ] = None,
    master_bind: Annotated[
        str | None,
        typer.Option(
            "--master-bind",
            metavar="HOST:PORT",
            help="HOST:PORT for workers on other machines.",
            rich_help_panel=DISTRIBUTED,
        ),
    ] = None,
    expect_workers: Annotated[
        int | None,
        typer.Option(
            "--expect-workers",
            min=1,
            help="With --master-bind: workers to wait for (default 1).",
            rich_help_panel=DISTRIBUTED,
        ),
    ] = None,
    worker: Annotated[
        bool,
        typer.Option("--worker", help="Be a worker of the master at --master-host.", rich_help_panel=DISTRIBUTED),
    ] = False,
    master_host: Annotated[
        str | None,
        typer.Option(
            "--master-host", metavar="HOST", help="With --worker: the master's address.", rich_help_panel=DISTRIBUTED
        ),
    ] = None,
    master_port: Annotated[
        int,
        typer.Option(
            "--master-port",
            min=1,
            max=65535,
            metavar="PORT",
            help="With --worker: the master's port.",
            rich_help_panel=DISTRIBUTED,
        ),
    ] = 5557,
) -> None:
    """Load-test an endpoint or a local container with a job's traffic pattern and stopping conditions,
    on Locust, and report MaxInvocations and ModelLatency as Inference Recommender does."""
    from ircli.lib.loadtest import run as engine
    from ircli.lib.loadtest.setup import LoadTestFlags, plan

    cli = context(ctx)
    if worker:
        if not master_host:
            raise InputError("A worker needs its master: --worker --master-host HOST [--master-port PORT].")
        cli.note(f"Worker of the master at {master_host}:{master_port}; it ends when the master ends the test.")
        raise typer.Exit(engine.run_worker(master_host, master_port, cli.env.environ))
    engine.require_locust()
    document = _document(cli, cli_input_json, cli_input_yaml)
    flags = LoadTestFlags(
        endpoint_name, url, payload, content_type, accept, list(phase or []), stairs, max_invocations,
        model_latency_threshold, flat_invocations, name, instance_type, instance_count, variant, workers,
        master_bind, expect_workers,
    )  # fmt: skip
    planned = plan(document, flags)
    if not (name or document.get("JobName")):
        planned = _with_a_free_name(cli, planned)
    _refuse_a_service_jobs_name(cli, planned.name)
    for warning in planned.traffic.warnings:
        cli.note(f"Warning: {warning}")
    _run(cli, planned, flags)


def _with_a_free_name(cli: CliContext, planned: Any) -> Any:
    """The default name (load-test-TIME), with -2, -3, ... where a test of the same second is kept."""
    from dataclasses import replace

    measured = cli.service.measured
    if measured is None or measured.kept(planned.name) is None:
        return planned
    suffix = 2
    while measured.kept(f"{planned.name}-{suffix}") is not None:
        suffix += 1
    return replace(planned, name=f"{planned.name}-{suffix}")


def _refuse_a_service_jobs_name(cli: CliContext, name: str) -> None:
    """A load test kept under the name of one of the service's jobs would hide that job from describe-job,
    rank-recommendations and metrics: refused. A service that cannot be asked (no permission, no network,
    a --url test) does not stop the test. A name ircli already keeps a load test under is refused too, as
    the service refuses a job name that is taken: the kept test is never overwritten."""
    measured = cli.service.measured
    kept = measured.kept(name) if measured is not None else None
    if kept is not None:
        raise InputError(
            f"ircli already keeps a load test named {name} ({kept}).",
            hint="Give this one another name with --name, or remove that file first.",
        )
    try:
        cli.service.backend.call("DescribeInferenceRecommendationsJob", {"JobName": name})
    except IrcliError:
        return
    raise InputError(
        f"The service already has a recommendation job named {name}: a load test kept under that name would hide it.",
        hint="Give the load test another name with --name.",
    )


def _document(cli: CliContext, json_source: str | None, yaml_source: str | None) -> dict[str, Any]:
    from ircli.lib.inputs import DocumentFormat, load_document

    if json_source and yaml_source:
        raise InputError("Give --cli-input-json or --cli-input-yaml, not both.")
    source, fmt = (json_source, DocumentFormat.JSON) if json_source else (yaml_source, DocumentFormat.YAML)
    return load_document(source, fmt, stdin=cli.env.stdin_bytes()) if source else {}


def _run(cli: CliContext, planned: Any, flags: Any) -> None:
    from ircli.cli.output.views.loadtest import Progress
    from ircli.lib.loadtest import run as engine
    from ircli.lib.loadtest.setup import engine_spec, ping, result_of

    with _runtime(cli, planned) as (planned, runtime, environ):
        planned = _priced(cli, planned)
        if planned.target.kind == "url":
            ping(planned.target.name)
        progress = Progress(cli.env.stderr, bool(cli.env.stderr_isatty))
        scale = runtime.pop("simulated_scale", None)
        flags, generator = _with_default_workers(cli, planned, flags, simulated=scale is not None)
        spec = engine_spec(planned, flags, runtime, scale)
        if spec["target"]["simulated"]:
            cli.note(
                f"{planned.target.name} is a simulated endpoint: the figures are the latencies it modelled at the "
                f"load it was told (CustomAttributes), in the service's time; the traffic runs at {spec['pace']:.3g}x "
                "real time. On AWS the load test measures each round trip from this machine."
            )
        seconds = planned.traffic.seconds * spec["pace"]
        try:
            run = engine.run_engine(spec, seconds=seconds, on_event=progress.show, environ=environ)
        finally:
            progress.close()
    result = result_of(planned, run, cli.region_in_force, generator)
    saved = cli.service.measured.save(result.name, result.to_job(), result.to_document())  # type: ignore[union-attr]
    cli.emit(result.to_document(), View(tables=lambda data: _tables(data)))
    cli.note(f"Kept as {result.name} ({saved}): ircli describe-job {result.name}")
    if not result.summary.statuses and run.log:
        cli.note(f"No request was answered. The engine said:\n{run.log}")
    if run.interrupted:
        raise KeyboardInterrupt
    if result.status == "FAILED":
        raise LoadTestFailed(f"Load test {result.name} failed: {result.failure_reason}")


def _with_default_workers(cli: CliContext, planned: Any, flags: Any, *, simulated: bool) -> tuple[Any, str]:
    """The flags with --workers' default applied, and how the load is generated, in words."""
    import dataclasses
    import os

    from ircli.lib.loadtest.setup import HEAVY_USERS, default_workers

    count = default_workers(planned.traffic, flags, simulated, os.cpu_count())
    if count is None:
        if flags.master_bind:
            return flags, "a master and workers on other machines"
        return flags, f"{flags.workers} local workers (--workers)" if flags.workers else "one process"
    why = f"{count} local workers, one a core: the traffic reaches more than {HEAVY_USERS} users"
    cli.note(f"{why}, more than one process drives (--workers N to choose, --workers 0 for one process).")
    return dataclasses.replace(flags, workers=count), why


def _tables(data: Any) -> Any:
    from ircli.cli.output.views.loadtest import load_test_tables

    return load_test_tables(data)


@contextlib.contextmanager
def _runtime(cli: CliContext, planned: Any) -> Iterator[tuple[Any, dict[str, Any], dict[str, str]]]:
    """Where the engine sends InvokeEndpoint, and what the endpoint is (its instances price the result).
    With the local backend, the simulator is served on loopback for the test's length."""
    from ircli.lib.backend import BackendKind

    environ = dict(cli.env.environ)
    if planned.target.kind == "url":
        yield planned, {}, environ
        return
    planned = _described(cli, planned)
    if cli.options.backend is not BackendKind.LOCAL:
        # As the aws backend reads it (botocore itself reads AWS_DEFAULT_REGION and the profile, not AWS_REGION).
        region = cli.options.region or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
        runtime: dict[str, Any] = {
            "region": region,
            "endpoint_url": cli.options.endpoint_url,
            "profile": cli.options.profile,
        }
        backend = getattr(cli.service, "backend", None)
        if getattr(backend, "simulated", False):  # `ircli simulator serve` answered DescribeEndpoint
            runtime["simulated_scale"] = float(getattr(backend, "time_scale", 1.0))
        yield planned, runtime, environ
        return
    from ircli.simulator import open_simulator
    from ircli.simulator.server import make_server

    simulator = open_simulator(
        cli.state_dir, region=cli.options.region or "us-east-1", speed=cli.env.environ.get("IRCLI_SIM_SPEED")
    )
    server = make_server(simulator, "127.0.0.1", 0).start()
    environ.setdefault("AWS_ACCESS_KEY_ID", "ircli-load-test")
    environ.setdefault("AWS_SECRET_ACCESS_KEY", "ircli-load-test")
    from ircli.simulator.common import speed_factor

    runtime = {"region": cli.options.region or "us-east-1", "endpoint_url": server.url}
    runtime["simulated_scale"] = speed_factor(simulator.speed)
    try:
        yield planned, runtime, environ
    finally:
        server.shutdown()


def _priced(cli: CliContext, planned: Any) -> Any:
    """The target's instance priced as rank-recommendations prices it: the region's quote (the backend's
    Price List API, cached; ircli's catalog where it cannot answer), its source said."""
    import dataclasses

    from ircli.cli.prices import price_lookup
    from ircli.lib.prices import catalog_quote

    if not planned.target.instance_type:
        return planned
    lookup = price_lookup(cli, refresh=False)
    region = cli.region_in_force
    quote = lookup(region) if lookup is not None else catalog_quote(region)
    for note in quote.notes:
        cli.note(note)
    price = quote.price(planned.target.instance_type)
    if price is None:
        cli.note(f"No price for {planned.target.instance_type} in {quote.label}: the load test has no cost.")
        return planned
    cli.note(f"Priced at ${price:.4f} an instance-hour for {planned.target.instance_type}: {quote.label}.")
    target = dataclasses.replace(planned.target, price_per_hour=price, price_source=quote.label)
    return dataclasses.replace(planned, target=target)


def _described(cli: CliContext, planned: Any) -> Any:
    from ircli.lib.loadtest.setup import with_instance

    endpoint = cli.service.call("DescribeEndpoint", {"EndpointName": planned.target.name})
    if endpoint.get("EndpointStatus") not in ("InService", "Updating"):
        raise ConfigurationError(
            f"Endpoint {planned.target.name} is {endpoint.get('EndpointStatus')}, not InService: it takes no load yet."
        )
    config = cli.service.call("DescribeEndpointConfig", {"EndpointConfigName": endpoint["EndpointConfigName"]})
    variants = config.get("ProductionVariants") or []
    chosen = next(
        (v for v in variants if v.get("VariantName") == planned.target.variant), variants[0] if variants else {}
    )
    live = {v.get("VariantName"): v for v in endpoint.get("ProductionVariants") or []}.get(
        chosen.get("VariantName"), {}
    )
    instance_type = chosen.get("InstanceType")
    count = live.get("CurrentInstanceCount") or chosen.get("InitialInstanceCount")
    return with_instance(planned, instance_type, count, None)  # priced by _priced
