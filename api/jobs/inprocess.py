"""The embedded SQLite default: a thread in each server process runs jobs, one job at a time per process.

A job is held through a lease in its row (renewed every batch): another process of the same server takes
it over once the lease runs out, at once if the holder was a process on this machine that no longer
exists. So a server killed mid-job and started again resumes the job from what was recorded.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from typing import Any

from advisor_api.jobs.run import run_job
from advisor_api.jobs.store import JobStore

log = logging.getLogger("api.jobs")
LEASE_SECONDS = 30.0
POLL_SECONDS = 2.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holder_is_dead(holder: str) -> bool:
    """A lease "host:pid:nonce" held by a process of this machine that is gone."""
    parts = holder.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    return parts[0] == socket.gethostname() and pid != os.getpid() and not _alive(pid)


class InProcessRunner:
    def __init__(self, store: JobStore, advisor: Any) -> None:
        self.store = store
        self.advisor = advisor
        self.me = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._kick = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="portfolio-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def kick(self) -> None:
        """A job was queued: look now rather than at the next poll."""
        self._kick.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._kick.set()
        self._thread.join(timeout)
        try:
            self.store.release(self.me)
        except Exception:  # noqa: BLE001 - the lease then runs out by itself
            log.exception("releasing job leases")

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                for job_id in self.store.active():
                    if self._stop.is_set():
                        break
                    if self.store.lease(job_id, self.me, LEASE_SECONDS, dead=holder_is_dead):
                        run_job(self.store, self.advisor, job_id, keep_going=lambda j=job_id: self._keep(j))
            except Exception:  # noqa: BLE001 - the database is away for a moment: try again at the next poll
                log.exception("portfolio job runner")
            self._kick.wait(POLL_SECONDS)
            self._kick.clear()

    def _keep(self, job_id: str) -> bool:
        return not self._stop.is_set() and self.store.lease(job_id, self.me, LEASE_SECONDS, dead=holder_is_dead)
