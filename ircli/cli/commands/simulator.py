"""`ircli simulator ...`: serve the simulator over HTTP, show where its state lives, reset it."""

import ipaddress
from collections.abc import Mapping
from typing import Annotated

import typer

from ircli.cli.api import context
from ircli.errors import ConfigurationError, InputError
from ircli.lib.redaction import register_secret

ACCESS_KEY_VARIABLE = "IRCLI_SIM_ACCESS_KEY_ID"
SECRET_KEY_VARIABLE = "IRCLI_SIM_SECRET_ACCESS_KEY"


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (loopback by default); also a name the server answers to.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port (0 picks a free one).")] = 8787,
    require_credentials: Annotated[
        str | None,
        typer.Option(
            "--require-credentials",
            metavar="ACCESS_KEY_ID",
            help=f"Answer only requests signed with this access key id (or set {ACCESS_KEY_VARIABLE}, which other "
            f"users cannot read in the process list); with {SECRET_KEY_VARIABLE} set too, the SigV4 signature "
            "itself is verified.",
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", help="Log every request to stderr.")] = False,
) -> None:
    """Serve the simulator over HTTP for boto3, the AWS CLI and the SageMaker SDKs (AWS_ENDPOINT_URL).

    Anyone who can reach the port can use the simulator: on loopback, every user and program of this
    machine. Requests naming another Host than the server's own names (127.0.0.1, localhost, [::1], --host)
    or carrying a web page's Origin off loopback are refused (403), so a web page cannot drive it. On a
    machine with several users, pass --require-credentials ACCESS_KEY_ID (better: IRCLI_SIM_ACCESS_KEY_ID and
    IRCLI_SIM_SECRET_ACCESS_KEY) and give the clients that key.
    """
    import logging

    from ircli.simulator import open_simulator
    from ircli.simulator.server import make_server

    cli = context(ctx)
    if cli.options.region:
        from ircli.lib.regions import check_region

        check_region(cli.options.region)
    access_key_id, secret_access_key = _required_credentials(require_credentials, cli.env.environ)
    state_dir = cli.state_dir
    simulator = open_simulator(
        state_dir, region=cli.options.region or "us-east-1", speed=cli.env.environ.get("IRCLI_SIM_SPEED")
    )
    simulator.store.counts()  # fail now, not on the first request, if the state is unusable
    try:
        server = make_server(simulator, host, port, access_key_id=access_key_id, secret_access_key=secret_access_key)
    except OSError as exc:
        raise ConfigurationError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") from None
    if not _is_loopback(host) and not secret_access_key:
        cli.note(
            f"Warning: listening on {host}, reachable from other machines. "
            + (
                f"Only the key id is checked, and it travels in clear: set {SECRET_KEY_VARIABLE} too."
                if access_key_id
                else "The simulator has no authentication."
            )
        )
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    url = server.url
    cli.note(f"ircli simulator listening on {url} (state: {state_dir})")
    cli.note("SageMaker, SageMaker Runtime, CloudWatch Logs and Application Auto Scaling; point clients here with:")
    cli.note(f"  export AWS_ENDPOINT_URL={url}")
    if access_key_id:
        what = "signed with its secret" if secret_access_key else "signed with that key id"
        cli.note(f"Only requests {what} are answered (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of the clients).")
    else:
        cli.note("Anyone who can reach this port can use it (see --require-credentials).")
    cli.note("Press Ctrl-C to stop.")
    from ircli.cli.main import INTERRUPT_MEANS

    INTERRUPT_MEANS.append(f"ircli: the simulator stopped serving {url}; its state stays in {state_dir}.")
    try:
        server.serve_forever()
    finally:
        server.shutdown()


def _required_credentials(flag: str | None, environ: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The key id clients must sign with (the flag, else the environment) and the secret, if one is set."""
    source = "--require-credentials" if flag is not None else ACCESS_KEY_VARIABLE
    access_key_id = flag if flag is not None else environ.get(ACCESS_KEY_VARIABLE) or None
    secret_access_key = environ.get(SECRET_KEY_VARIABLE) or None
    register_secret(secret_access_key)
    if access_key_id is not None and (not access_key_id or any(c in access_key_id for c in "/,= \t\r\n")):
        # A key id is one word of a SigV4 Credential=KEYID/date/region/service/aws4_request.
        raise InputError(f"{source} must be an access key id (no spaces, '/', ',' or '='), not {access_key_id!r}.")
    if secret_access_key and not access_key_id:
        raise InputError(f"{SECRET_KEY_VARIABLE} is set without an access key id: pass --require-credentials too.")
    return access_key_id or None, secret_access_key


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def status(ctx: typer.Context) -> None:
    """Where the simulator's state lives and how many jobs, endpoint configurations and endpoints it holds."""
    from ircli.simulator import open_simulator
    from ircli.simulator.models import speed_factor
    from ircli.simulator.store import SCHEMA_VERSION

    cli = context(ctx)
    state_dir = cli.state_dir
    store = open_simulator(state_dir).store
    counts = store.counts()
    factor = speed_factor(cli.env.environ.get("IRCLI_SIM_SPEED", ""))
    speed = "instant" if factor == 0 else "realtime" if factor == 1 else f"{1 / factor:g}x the service's speed"
    data = {
        "StateDirectory": str(state_dir),
        "Database": str(store.path),
        "SchemaVersion": SCHEMA_VERSION,
        "Jobs": counts["jobs"],
        "EndpointConfigs": counts["endpoint_configs"],
        "Endpoints": counts["endpoints"],
        "Speed": speed,
    }
    cli.emit(data)


def reset(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every simulated job, model, endpoint configuration and endpoint: back to a fresh state (the
    sample models included). A damaged state file is moved aside, and where it went is said."""
    import sqlite3

    from ircli.simulator import open_simulator

    cli = context(ctx)
    store = open_simulator(cli.state_dir).store
    try:
        counts: dict[str, int] | None = store.counts()
    except (ConfigurationError, sqlite3.DatabaseError):
        counts = None  # damaged: nothing in it can be counted, or kept
    if not yes:
        if not cli.env.stdin_isatty:
            raise InputError("simulator reset deletes all simulated state; pass --yes to confirm without a terminal.")
        summary = (
            f"{counts['jobs']} jobs, {counts['endpoint_configs']} endpoint configs, {counts['endpoints']} endpoints"
            if counts
            else "the damaged state"
        )
        if not typer.confirm(f"Delete {summary} in {store.state_dir}?", default=False, err=True):
            cli.note("Nothing was deleted.")
            return
    if counts is not None:
        try:
            store.reset()
            cli.note(f"Reset the simulator state in {store.state_dir}.")
            return
        except (ConfigurationError, sqlite3.DatabaseError):
            pass  # damaged beyond what a count reads: set it aside as well
    moved = store.set_aside()
    fresh = open_simulator(cli.state_dir).store
    fresh.counts()  # creates the new state, sample models included
    cli.note(f"Moved the damaged simulator state to {moved} and started afresh in {store.state_dir}.")
