"""Every file ircli writes (the report, a wizard's saved request, a draft) goes through `ircli.lib.files`:
only regular files or new paths are written, the mode follows the umask, the old file survives any
failure, and a folder, file system or disk that refuses gives 253 naming the target, never a temporary
file. These tests use real special files; failures of the system are injected at the system calls."""

from __future__ import annotations

import errno
import io
import os
import socket
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ircli.errors import ConfigurationError, InputError
from ircli.lib import files
from tests.conftest import EXAMPLES, CliRunner
from tests.scripted import ScriptedPrompter

OLD = "the old report\n"


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    saved = os.umask(0o022)

    def set_umask(value: int) -> None:
        os.umask(value)

    yield set_umask
    os.umask(saved)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder of its own for what is written, apart from the state directory."""
    (tmp_path / "out").mkdir()
    return tmp_path / "out"


@pytest.fixture
def job(cli: CliRunner) -> str:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    return "xgboost-default"


def identity(path: Path) -> tuple[int, int, int, int, int]:
    status = os.lstat(path)
    return status.st_ino, status.st_mode, status.st_rdev, status.st_size, status.st_mtime_ns


def only(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- what is refused (252), and left exactly as it was


def fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.html")
    return folder / "pipe.html"


def link_to_dev_null(folder: Path) -> Path:
    (folder / "null.html").symlink_to(os.devnull)
    return folder / "null.html"


def link_to_stdout(folder: Path) -> Path:
    (folder / "out.html").symlink_to("/proc/self/fd/1")
    return folder / "out.html"


def link_to_a_file(folder: Path) -> Path:
    (folder / "real.html").write_text(OLD)
    (folder / "alias.html").symlink_to(folder / "real.html")
    return folder / "alias.html"


def dangling_link(folder: Path) -> Path:
    (folder / "dangling.html").symlink_to(folder / "nowhere.html")
    return folder / "dangling.html"


def directory(folder: Path) -> Path:
    (folder / "dir.html").mkdir()
    return folder / "dir.html"


def unix_socket(folder: Path) -> Path:
    path = folder / "sock.html"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()
    return path


def char_device(folder: Path) -> Path:
    path = folder / "null-device.html"
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("this system does not let the tests make a device node")
    return path


def read_only(folder: Path) -> Path:
    path = folder / "kept.html"
    path.write_text(OLD)
    path.chmod(0o444)
    return path


SPECIAL = {
    "fifo": (fifo, "FIFO"),
    "symlink-to-dev-null": (link_to_dev_null, "symbolic link"),
    "symlink-to-stdout": (link_to_stdout, "symbolic link"),
    "symlink-to-a-file": (link_to_a_file, "symbolic link"),
    "dangling-symlink": (dangling_link, "symbolic link"),
    "directory": (directory, "directory"),
    "socket": (unix_socket, "socket"),
    "character-device": (char_device, "character device"),
    "read-only-file": (read_only, "read-only (mode 0444)"),
}


@pytest.mark.parametrize("kind", SPECIAL)
def test_the_report_refuses_what_is_not_a_writable_regular_file(kind: str, cli: CliRunner, job: str, out: Path) -> None:
    make, said = SPECIAL[kind]
    target = make(out)
    before = {name: identity(out / name) for name in only(out)}
    result = cli("report", job, "--html", str(target), expect=252)
    assert result.code == 252, result.err
    assert f"Cannot write {target}: " in result.err and said in result.err
    assert {name: identity(out / name) for name in only(out)} == before  # nothing replaced, nothing added
    if kind in ("symlink-to-a-file", "read-only-file"):
        assert (out / ("real.html" if kind == "symlink-to-a-file" else "kept.html")).read_text() == OLD
    assert result.out == ""  # nothing went through the link to stdout either


def test_dev_null_itself_is_refused_and_never_touched(
    cli: CliRunner, job: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A guard, so that even a regression can never replace /dev/null: no rename onto it may happen.
    real_replace, real_rename = os.replace, os.rename

    def guarded(real: Callable[..., None]) -> Callable[..., None]:
        def call(source: Any, destination: Any, *args: Any, **kwargs: Any) -> None:
            if os.path.abspath(os.fspath(destination)) == os.devnull:
                raise AssertionError("tried to replace /dev/null")
            real(source, destination, *args, **kwargs)

        return call

    monkeypatch.setattr(os, "replace", guarded(real_replace))
    monkeypatch.setattr(os, "rename", guarded(real_rename))
    before = os.stat(os.devnull)
    result = cli("report", job, "--html", os.devnull, expect=252)
    after = os.stat(os.devnull)
    assert result.code == 252 and "it is a character device, not a regular file" in result.err
    assert (after.st_ino, after.st_mode, after.st_rdev) == (before.st_ino, before.st_mode, before.st_rdev)
    assert stat.S_ISCHR(after.st_mode)
    assert not [name for name in os.listdir("/dev") if name.startswith(".null.")]


def test_root_is_refused_a_read_only_file_too(tmp_path: Path) -> None:
    # Tests run as root, whom access(2) lets write anything: the missing write bits alone refuse it.
    target = read_only(tmp_path)
    with pytest.raises(InputError, match="read-only"):
        files.write_text(target, "new")
    assert target.read_text() == OLD and stat.S_IMODE(target.stat().st_mode) == 0o444


def test_a_file_the_user_may_not_write_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As an ordinary user: access(2) says no although some write bit is set (another user's 0644 file).
    target = tmp_path / "theirs.html"
    target.write_text(OLD)
    monkeypatch.setattr(os, "access", lambda path, mode, **_: mode != os.W_OK)
    with pytest.raises(InputError, match="read-only"):
        files.write_text(target, "new")
    assert target.read_text() == OLD


def test_paths_that_cannot_name_a_file_are_refused(tmp_path: Path) -> None:
    for path, said in [
        (tmp_path / ("c" * 300), "the name is too long"),
        (tmp_path / "missing" / "r.html", "a folder that exists"),
        (Path(str(tmp_path / "a\x00b.html")), "NUL"),
    ]:
        with pytest.raises(InputError, match=said):
            files.write_text(path, "x")
    (tmp_path / "file").write_text("")
    with pytest.raises(InputError, match="not a folder"):
        files.write_text(tmp_path / "file" / "r.html", "x")
    assert only(tmp_path) == ["file"]


# -- the mode follows the umask; an existing file keeps its own


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_report_gets_the_umasks_mode(
    mask: int, mode: int, cli: CliRunner, job: str, out: Path, umask: Callable[[int], None]
) -> None:
    umask(mask)
    target = out / "report.html"
    result = cli("report", job, "--html", str(target))
    assert result.code == 0, result.err
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert only(out) == ["report.html"]


def test_an_existing_file_keeps_its_mode_and_is_replaced_whole(tmp_path: Path, umask: Callable[[int], None]) -> None:
    umask(0o077)
    target = tmp_path / "shared.html"
    target.write_text(OLD)
    target.chmod(0o640)
    files.write_text(target, "new text\n")
    assert target.read_text() == "new text\n" and stat.S_IMODE(target.stat().st_mode) == 0o640
    target.chmod(0o4755)  # a set-id bit is not carried to the new file
    files.write_text(target, "again\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


def test_private_files_are_0600_whatever_the_umask(tmp_path: Path, umask: Callable[[int], None]) -> None:
    umask(0o000)
    files.write_text(tmp_path / "draft.yaml", "RoleArn: x\n", private=True)
    assert stat.S_IMODE((tmp_path / "draft.yaml").stat().st_mode) == 0o600


# -- a system that refuses: 253 naming the target, the old file intact, no temporary file left


def failing_at(monkeypatch: pytest.MonkeyPatch, call: str, code: int, folder: Path) -> None:
    """Make `os.<call>` fail with `code` for files in `folder` only (so pytest itself goes on working)."""
    real = getattr(os, call)

    def fails(*args: Any, **kwargs: Any) -> Any:
        first = args[0]
        name = os.readlink(f"/proc/self/fd/{first}") if isinstance(first, int) else os.fspath(first)
        if str(name).startswith(str(folder)):
            raise OSError(code, os.strerror(code), name)  # str() of this error would name the temporary file
        return real(*args, **kwargs)

    monkeypatch.setattr(os, call, fails)


FAILURES = [
    ("open", errno.EACCES, "permission denied", "You may not write in"),
    ("open", errno.EROFS, "the file system is read-only", "writable file system"),
    ("write", errno.ENOSPC, "no space left on the device", "Free some space"),
    ("fsync", errno.ENOSPC, "no space left on the device", "Free some space"),
    ("write", errno.EDQUOT, "the disk quota is exhausted", "Free some space"),
    ("replace", errno.EACCES, "permission denied", "You may not write in"),
    ("write", errno.EIO, "input/output error", None),
]


@pytest.mark.parametrize(("call", "code", "reason", "hint"), FAILURES, ids=lambda v: str(v))
def test_a_refusing_system_is_253_naming_the_target_and_keeps_the_old_file(
    call: str,
    code: int,
    reason: str,
    hint: str | None,
    cli: CliRunner,
    job: str,
    out: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = out / "report.html"
    target.write_text(OLD)
    with monkeypatch.context() as patched:
        failing_at(patched, call, code, out)
        result = cli("report", job, "--html", str(target), expect=253)
    assert result.code == 253, result.err
    assert result.err.startswith(f"ircli: Cannot write {target}: {reason}."), result.err
    assert hint is None or hint in result.err
    assert ".tmp" not in result.err and "unexpected" not in result.err
    assert target.read_text() == OLD and only(out) == ["report.html"]


def test_a_new_file_that_cannot_be_written_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched, pytest.raises(ConfigurationError) as refused:
        failing_at(patched, "write", errno.ENOSPC, tmp_path)
        files.write_text(tmp_path / "new.html", "x" * 100_000)
    assert str(tmp_path / "new.html") in refused.value.message
    assert only(tmp_path) == []


def test_a_real_read_only_file_system_is_253(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A read-only mount makes access(2) answer no even for root; the file system, not the file, is the cause.
    target = tmp_path / "r.html"
    target.write_text(OLD)
    monkeypatch.setattr(os, "access", lambda *_args, **_kwargs: False)
    monkeypatch.setattr(files, "_read_only_file_system", lambda folder: True)
    with pytest.raises(ConfigurationError, match="read-only"):
        files.write_text(target, "new")


# -- the other writers: a wizard's saved request and its drafts


def test_a_saved_request_follows_the_umask_and_a_bad_path_is_asked_again(
    tmp_path: Path, umask: Callable[[int], None]
) -> None:
    from ircli.cli.wizards import review

    umask(0o022)
    request = yaml.safe_load((EXAMPLES / "default-job.yaml").read_text())
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "link.yaml").symlink_to(os.devnull)
    target = tmp_path / "job.yaml"
    prompter = ScriptedPrompter(
        ["Save to a file", str(tmp_path / "pipe.yaml"), str(tmp_path / "link.yaml"), str(target)]
    )
    saved, submit = review(prompter, "CreateInferenceRecommendationsJob", request, "x.yaml")
    assert saved == target and not submit
    assert stat.S_IMODE(target.stat().st_mode) == 0o644 and yaml.safe_load(target.read_text()) == request
    shown = [line for line in prompter.log if line.startswith("shown: Cannot write")]
    assert len(shown) == 2 and "FIFO" in shown[0] and "symbolic link" in shown[1]
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe.yaml").st_mode) and (tmp_path / "link.yaml").is_symlink()


def test_a_saved_request_on_a_full_disk_is_asked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ircli.cli.wizards import review

    request = yaml.safe_load((EXAMPLES / "default-job.yaml").read_text())
    (tmp_path / "full").mkdir()
    failing_at(monkeypatch, "write", errno.ENOSPC, tmp_path / "full")
    prompter = ScriptedPrompter(["Save to a file", str(tmp_path / "full" / "job.yaml"), str(tmp_path / "job.yaml")])
    saved, _ = review(prompter, "CreateInferenceRecommendationsJob", request, "x.yaml")
    assert saved == tmp_path / "job.yaml"
    assert any("no space left on the device" in line for line in prompter.log)
    assert only(tmp_path / "full") == []


def test_drafts_are_private_whatever_the_umask(tmp_path: Path, umask: Callable[[int], None]) -> None:
    from ircli.cli.context import CliContext, GlobalOptions
    from ircli.cli.environment import Environment
    from ircli.cli.wizards.drafts import Draft, save_draft

    umask(0o000)
    context = CliContext(
        GlobalOptions(state_dir=tmp_path / "state"), Environment(stdout=io.StringIO(), stderr=io.StringIO(), environ={})
    )
    draft = Draft({"JobName": "j", "RoleArn": "arn:aws:iam::123456789012:role/R"})
    path = save_draft(context, "create-job", draft, "../../escape", "an interrupted")
    assert path.parent == tmp_path / "state" / "drafts" and path.name == "-..-escape.yaml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert yaml.safe_load(path.read_text())["RoleArn"].endswith("role/R")
