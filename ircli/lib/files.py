"""Every file ircli writes (a report, a saved request, a wizard's draft) is written here, one way.

- Only a regular file or a new path is written. A device, a FIFO, a socket, a directory or a symbolic link
  is refused (252) naming the path: ircli replaces files, it never writes through a link or into a device
  (as root, `--html /dev/null` must not replace /dev/null).
- A regular file nobody may write is refused too (252): the permission bits are the owner's word that it is
  not to be replaced. Writing by rename only needs the folder's permission, so this is checked here, with
  access(2) for the user and, because access(2) lets root write anything, with the bits themselves: a
  file without any write bit (0444, 0400) is refused even for root.
- The mode follows the umask: a new file gets 0666 & ~umask (0644 under umask 022), an existing file keeps
  its mode and, where the writer may, its owner and group. `private=True` writes 0600 whatever the umask,
  for files in ircli's private state directory.
- The old file survives any failure: the text goes to a temporary file in the same folder, is synced, and
  is renamed over the target in one step; the temporary file never outlives a failure.
- An unwritable folder, a read-only file system or a full disk is 253 naming the target, never the
  temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from ircli.errors import ConfigurationError, InputError, IrcliError

_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)
_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ELOOP: "the path has too many symbolic links",
}


def write_text(path: Path | str, text: str, *, private: bool = False) -> Path:
    """Write `text` (UTF-8) to `path` whole or not at all, by the rules above; returns the path written."""
    target = Path(path).expanduser()
    existing = check_writable(target)
    data = text.encode("utf-8")
    temporary: Path | None = None
    try:
        temporary, handle = _open_temporary(target, existing, private=private)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(temporary, target)
        temporary = None
        _sync_folder(target.parent)
    except OSError as exc:
        raise _environment_error(target, exc) from None
    finally:
        if temporary is not None:
            _remove(temporary)
    return target


def check_writable(target: Path) -> os.stat_result | None:
    """Refuse a target ircli must not replace, before any work is done; return its stat (None if new)."""
    folder = target.parent
    if "\x00" in str(target):
        raise InputError(f"Cannot write {target}: a file name cannot hold a NUL character.")
    try:
        folder_status = os.stat(folder)
    except FileNotFoundError:
        raise InputError(
            f"Cannot write {target}: the folder {folder} does not exist; give a file name in a folder that exists."
        ) from None
    except OSError as exc:
        raise _path_error(target, exc) from None
    if not stat.S_ISDIR(folder_status.st_mode):
        raise InputError(f"Cannot write {target}: {folder} is not a folder.")
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _path_error(target, exc) from None
    if stat.S_ISLNK(status.st_mode):
        raise InputError(
            f"Cannot write {target}: it is a symbolic link; ircli does not write through links: give the path "
            "of a regular file or a new one."
        )
    for test, kind in _KINDS:
        if test(status.st_mode):
            raise InputError(f"Cannot write {target}: it is {kind}, not a regular file; give a file name.")
    if not status.st_mode & _WRITE_BITS or not os.access(target, os.W_OK):
        if _read_only_file_system(folder):
            raise _environment_error(target, OSError(errno.EROFS, os.strerror(errno.EROFS)))
        raise InputError(
            f"Cannot write {target}: the file is read-only (mode {stat.S_IMODE(status.st_mode):04o}); "
            "make it writable or give another name."
        )
    return status


def make_private_folder(folder: Path) -> Path:
    """A folder (and its parents) for ircli's own files, 0700 when made here; OS errors are 253."""
    missing = [folder, *(p for p in folder.parents if not p.exists())] if not folder.exists() else []
    try:
        # Each folder made here is 0700, its parents too (mkdir's `parents` would give them the umask's mode).
        for made in reversed(missing):
            made.mkdir(mode=0o700, exist_ok=True)
            os.chmod(made, 0o700)  # mkdir's mode is filtered by the umask
    except OSError as exc:
        raise ConfigurationError(f"Cannot create the folder {folder}: {_reason(exc)}.") from None
    return folder


def _open_temporary(target: Path, existing: os.stat_result | None, *, private: bool) -> tuple[Path, int]:
    """A new file beside `target`, with the mode the target is to have."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    # Short enough that a target name near the 255-byte limit still leaves room for it.
    stem = target.name[:100]
    for _ in range(100):
        temporary = target.with_name(f".{stem}.{secrets.token_hex(4)}.tmp")
        try:
            handle = os.open(temporary, flags, 0o600 if private else 0o666)  # the umask applies to 0666
        except FileExistsError:
            continue
        try:
            if private:
                os.fchmod(handle, 0o600)
            elif existing is not None:
                _keep_owner_and_mode(handle, existing)
        except BaseException:
            os.close(handle)
            _remove(temporary)
            raise
        return temporary, handle
    raise OSError(errno.EEXIST, "no free temporary name")


def _keep_owner_and_mode(handle: int, existing: os.stat_result) -> None:
    if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.fchown(handle, existing.st_uid, existing.st_gid)
        except PermissionError:  # only root gives a file away; the group may still be kept
            with contextlib.suppress(PermissionError):
                os.fchown(handle, -1, existing.st_gid)
    # Set-id bits are not carried over: a replaced file should not gain privileges by accident.
    os.fchmod(handle, stat.S_IMODE(existing.st_mode) & ~(stat.S_ISUID | stat.S_ISGID))


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; a file system that cannot sync a folder has already done its best."""
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _read_only_file_system(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & getattr(os, "ST_RDONLY", 1))
    except (OSError, AttributeError):
        return False


def _reason(exc: OSError) -> str:
    # strerror, never str(exc): that names the temporary file.
    return _REASONS.get(exc.errno or 0) or (exc.strerror or type(exc).__name__).lower()


def _path_error(target: Path, exc: OSError) -> IrcliError:
    """A path that cannot name a file is the user's to change (252); anything else is the system's (253)."""
    if exc.errno in (errno.ENAMETOOLONG, errno.ENOTDIR, errno.ELOOP):
        return InputError(f"Cannot write {target}: {_reason(exc)}; give another file name.")
    return _environment_error(target, exc)


def _environment_error(target: Path, exc: OSError) -> ConfigurationError:
    reason = _reason(exc)
    hints = {
        errno.EACCES: f"You may not write in {target.parent}; choose another folder.",
        errno.EPERM: f"You may not write in {target.parent}; choose another folder.",
        errno.EROFS: "Choose a folder on a writable file system.",
        errno.ENOSPC: "Free some space or choose another disk; the old file, if any, is unchanged.",
        errno.EDQUOT: "Free some space or choose another disk; the old file, if any, is unchanged.",
    }
    return ConfigurationError(f"Cannot write {target}: {reason}.", hint=hints.get(exc.errno or 0))
