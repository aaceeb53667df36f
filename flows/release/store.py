"""Where releases live and how a new one replaces the old one atomically.

The published folder (`output/` by default) is a symbolic link to a complete release
folder. A run builds into a staging folder beside the releases, renames it into
`releases/` and then replaces the link with one `rename`, which POSIX guarantees to be
atomic: a reader (the portal, an analyst) sees the old release or the new one, never a
mix, even if the process is killed at any moment.

    output              -> output.d/releases/<release id>
    output.d/releases/  complete releases, newest kept
    output.d/staging/   builds in progress (removed at the start of the next run)
    output.d/reports/   validation reports of the last runs
    output.d/lock       held while a run writes; contains the holder's PID
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from flows.common import faults
from flows.common.files import flock_within, fsync_file, fsync_folder
from flows.common.guard import Paths
from flows.common.settings import metadata_path

KEEP_RELEASES = 30
KEEP_REPORTS = 30
#: environment variable that overrides KEEP_RELEASES (the CLI's --keep overrides both)
KEEP_ENV = "PARTNERSHIPS_KEEP_RELEASES"


class StoreError(Exception):
    """The output folder cannot be written as asked; the message says why."""


class LockBusy(StoreError):
    def __init__(self, message: str, holder: str = "unknown") -> None:
        super().__init__(message)
        #: the PID the lock file names: which run holds the lock
        self.holder = holder


class ReleaseStore:
    def __init__(self, output: Path, keep: int | None = None) -> None:
        self.output = Path(os.path.abspath(output))
        self.home = self.output.with_name(self.output.name + ".d")
        self.releases = self.home / "releases"
        self.staging_root = self.home / "staging"
        self.reports = self.home / "reports"
        self.lock_path = self.home / "lock"
        self.keep = configured_keep(keep)

    # --- reading ---------------------------------------------------------------

    def current(self) -> Path | None:
        """The folder of the release output/ points at, if any."""
        if self.output.is_symlink():
            return self.output.resolve()
        return None

    def current_id(self) -> str | None:
        current = self.current()
        return current.name if current else None

    def release_ids(self) -> list[str]:
        if not self.releases.is_dir():
            return []
        return sorted(p.name for p in self.releases.iterdir() if p.is_dir())

    # --- locking ---------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self, wait_seconds: float = 0.0) -> Iterator[None]:
        """Hold the store's lock; a lock left by a dead process is free again.

        flock locks die with their process, so a crashed run never blocks the next one;
        the PID in the file only serves the message to whoever has to wait.
        """
        self.home.mkdir(parents=True, exist_ok=True)
        # a holder may have written any byte: the PID is read for a message, never trusted
        handle = open(self.lock_path, "a+", encoding="utf-8", errors="replace")  # noqa: SIM115
        try:
            if not flock_within(handle, wait_seconds):
                handle.seek(0)
                holder = (handle.read(100).split() or ["unknown"])[0]
                raise LockBusy(
                    f"another run (PID {holder}) is writing {self.output}; "
                    f"try again when it has finished (lock: {self.lock_path})",
                    holder,
                )
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            self.clear_leftovers()
            yield
        finally:
            handle.close()

    # --- writing ---------------------------------------------------------------

    def new_staging(self) -> Path:
        """A fresh, empty staging folder; leftovers of killed runs are removed first."""
        self._check_output_is_ours()
        self.clear_leftovers()
        self.staging_root.mkdir(parents=True)
        staging = Path(tempfile.mkdtemp(prefix="build-", dir=self.staging_root))
        staging.chmod(0o755)  # published as is: web and FTP servers must be able to read it
        return staging

    def has_leftovers(self) -> bool:
        """Whether a killed run left something behind; read-only, no lock needed."""
        in_staging = self.staging_root.exists() and any(self.staging_root.iterdir())
        return in_staging or any(self.output.parent.glob(f".{self.output.name}.swap-*"))

    def clear_leftovers(self) -> None:
        """Remove what killed runs left behind: builds, pruned releases, swap links.

        Only the lock holder calls this, so nothing in staging/ can still be in use.
        """
        if self.staging_root.exists():
            shutil.rmtree(self.staging_root)
        for stale_link in self.output.parent.glob(f".{self.output.name}.swap-*"):
            stale_link.unlink()  # a run killed in point_output_at

    def publish(self, staging: Path, release_id: str) -> Path:
        """Move the staged release into place and point output/ at it atomically."""
        self.releases.mkdir(parents=True, exist_ok=True)
        target = self.releases / release_id
        if target.exists():
            # the same content was released before: keep that folder, drop the build
            shutil.rmtree(staging)
        else:
            _fsync_tree(staging)
            faults.pause("before-rename-release")
            os.rename(staging, target)
            fsync_folder(self.releases)
        self.point_output_at(target)
        return target

    def point_output_at(self, release: Path) -> None:
        faults.pause("before-swap")
        link = self.output.with_name(f".{self.output.name}.swap-{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        os.symlink(os.path.relpath(release, self.output.parent), link)
        faults.pause("swap-link-created")
        os.replace(link, self.output)
        fsync_folder(self.output.parent)
        faults.pause("after-swap")

    def prune(self) -> list[str]:
        """Remove the oldest releases beyond `keep`, never the current one."""
        current = self.current_id()
        removable = [r for r in self.release_ids() if r != current]
        surplus = len(removable) - (self.keep - (1 if current else 0))
        removed = sorted(removable, key=self._mtime)[: max(surplus, 0)]
        for release in removed:
            # renamed first, so a kill halfway through rmtree leaves no partial release;
            # the next lock holder removes what is left in staging/ (clear_leftovers)
            doomed = self.staging_root / f"pruned-{release}"
            self.staging_root.mkdir(parents=True, exist_ok=True)
            os.rename(self.releases / release, doomed)
            faults.pause("prune")
            shutil.rmtree(doomed)
        return removed

    def _mtime(self, release_id: str) -> float:
        return (self.releases / release_id).stat().st_mtime

    def _check_output_is_ours(self) -> None:
        out = self.output
        if out.is_symlink() or not out.exists():
            return
        if out.is_dir() and not any(out.iterdir()):
            out.rmdir()
            return
        raise StoreError(
            f"{out} is an ordinary folder, not a release link written by this pipeline; "
            "move it away or choose another --output"
        )


def run_paths(raw_dir: Path, output: Path, local_targets: Iterable[Path] = ()) -> Paths:
    """What a run reads (raw/, metadata.toml) and writes (the output link, its `.d`
    folder, local --target folders), for flows.common.guard."""
    store = ReleaseStore(output, keep=1)
    paths = Paths().read_folder("--raw", raw_dir).read("metadata", metadata_path())
    return paths.write_folder("--output", store.output, store.home).write_folder(
        "--target", *local_targets
    )


def configured_keep(keep: int | None = None) -> int:
    """How many releases to keep: the argument, else $PARTNERSHIPS_KEEP_RELEASES, else 30."""
    if keep is None:
        text = os.environ.get(KEEP_ENV, "").strip()
        if not text:
            return KEEP_RELEASES
        try:
            keep = int(text)
        except ValueError:
            raise StoreError(f"{KEEP_ENV}={text!r} is not a whole number") from None
    if keep < 1:
        raise StoreError(f"the number of releases to keep must be at least 1, not {keep}")
    return keep


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_file():
            fsync_file(path)
    fsync_folder(folder)


def is_disk_full(error: OSError) -> bool:
    code = error.errno
    if code is None:
        # polars raises its Rust I/O errors as OSError("... (os error 28)") without errno
        found = re.search(r"\(os error (\d+)\)", str(error))
        code = int(found.group(1)) if found else None
    return code in (errno.ENOSPC, errno.EDQUOT)
