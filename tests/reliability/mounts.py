"""Real read-only and full filesystems for the process tests, without touching the host: a tmpfs
(or a read-only bind mount) made inside a private mount namespace that a sleeping process holds
open; commands run inside it with nsenter, and the mounts vanish with the holder.

Root (as in CI) needs this because it ignores file modes; others get a user namespace."""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# Root makes a plain private mount namespace; anyone else maps themselves to root in a new user
# namespace, which may mount tmpfs and bind mounts (Linux >= 4.x, if the sysctl allows it).
_UNSHARE = ["unshare", "--mount", "--propagation", "private"]
_UNSHARE_USER = ["unshare", "--user", "--map-root-user", "--mount"]


@functools.cache
def modes_ignored() -> bool:
    """True when this process may write into a mode 0555 directory (root, CAP_DAC_OVERRIDE),
    so a read-only database must be made with a read-only mount instead of chmod."""
    with tempfile.TemporaryDirectory() as name:
        where = Path(name) / "ro"
        where.mkdir(mode=0o555)
        try:
            (where / "probe").touch()
        except PermissionError:
            return False
        finally:
            where.chmod(0o755)
        return True


class PrivateMounts:
    """A private mount namespace, held open by a sleeping shell until ``close``."""

    def __init__(self) -> None:
        if shutil.which("unshare") is None or shutil.which("nsenter") is None:
            pytest.skip("needs util-linux unshare and nsenter")
        errors = []
        for self.user_ns, unshare in ((False, _UNSHARE), (True, _UNSHARE_USER)):
            cmd = [*unshare, "sh", "-c", "echo up && exec sleep 600"]
            self.holder = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            assert self.holder.stdout is not None
            if self.holder.stdout.readline().strip() == "up":
                return
            errors.append(self.holder.communicate(timeout=10)[1].strip())
        pytest.skip(f"cannot make a private mount namespace here: {'; '.join(errors)}")

    def run(self, *cmd: str | Path, check: bool = False) -> subprocess.CompletedProcess[str]:
        """Run ``cmd`` inside the namespace, where the mounts are visible."""
        enter = ["nsenter", "-t", str(self.holder.pid), "-m"]
        if self.user_ns:
            enter[3:3] = ["-U", "--preserve-credentials"]
        done = subprocess.run(
            [*enter, "--", *map(str, cmd)], capture_output=True, text=True, timeout=120
        )
        if check and done.returncode != 0:
            raise AssertionError(f"{cmd} failed ({done.returncode}): {done.stderr}")
        return done

    def _mount(self, *args: str | Path) -> None:
        """Mount as the namespace's root: in a user namespace that needs its full credentials."""
        enter = ["nsenter", "-t", str(self.holder.pid), "-m"]
        if self.user_ns:
            enter[3:3] = ["-U"]
        done = subprocess.run(
            [*enter, "--", "mount", *map(str, args)], capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount in a private namespace here: {done.stderr.strip()}")

    def tmpfs(self, where: Path, kib: int, read_only: bool = False) -> None:
        where.mkdir(parents=True, exist_ok=True)
        options = f"size={kib}k,mode=0777" + (",ro" if read_only else "")
        self._mount("-t", "tmpfs", "-o", options, "tmpfs", where)

    def read_only_file(self, path: Path) -> None:
        """Bind ``path`` over itself, read-only: writes fail with EROFS even for root."""
        self._mount("--bind", path, path)
        self._mount("-o", "remount,bind,ro", path)

    def close(self) -> None:
        self.holder.kill()
        self.holder.communicate(timeout=10)
