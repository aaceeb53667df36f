"""A test hook that pauses a run at a named step, so a test can kill it there.

Set `PARTNERSHIPS_PAUSE_AT=<step>` and the process writes `<step>` into the file named
by `PARTNERSHIPS_PAUSE_SIGNAL` (if set) and sleeps until it is killed. Without the
variable this costs one dictionary lookup per step.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def pause(step: str) -> None:
    if os.environ.get("PARTNERSHIPS_PAUSE_AT") != step:
        return
    signal_file = os.environ.get("PARTNERSHIPS_PAUSE_SIGNAL")
    if signal_file:
        Path(signal_file).write_text(step)
    while True:
        time.sleep(60)
