"""Secrets for the targets: an environment variable, else a Prefect Secret block.

Each secret has one environment variable name; its Secret block has the same name in
lower case with dashes (PARTNERSHIPS_FTP_PASSWORD -> `partnerships-ftp-password`).
Blocks are only asked for when a Prefect API is at hand (inside a flow run, or with
PREFECT_API_URL set), so plain library calls never start a Prefect server.
Values are returned to the caller and never logged or put into messages.
"""

from __future__ import annotations

import os
import sys

from flows.publish.base import CredentialsMissing


def block_name(env_name: str) -> str:
    return env_name.lower().replace("_", "-")


def prefect_api_at_hand() -> bool:
    if os.environ.get("PREFECT_API_URL"):
        return True
    if "prefect" not in sys.modules:  # no flow run without Prefect: spare its import
        return False
    try:
        from prefect.context import FlowRunContext, TaskRunContext
    except ImportError:
        return False
    return FlowRunContext.get() is not None or TaskRunContext.get() is not None


def _from_block(env_name: str) -> str | None:
    if not prefect_api_at_hand():
        return None
    try:
        from prefect.blocks.system import Secret

        value = Secret.load(block_name(env_name)).get()
    except Exception:  # no such block, or no API: the same as not configured
        return None
    return str(value) if value else None


def lookup(env_name: str) -> str | None:
    """The secret's value, or None when neither the variable nor the block has one."""
    return os.environ.get(env_name) or _from_block(env_name)


def require(target: str, *env_names: str) -> list[str]:
    """Every named secret, or one error that lists all the missing ones."""
    values = {name: lookup(name) for name in env_names}
    missing = [name for name, value in values.items() if not value]
    if missing:
        blocks = ", ".join(block_name(n) for n in missing)
        raise CredentialsMissing(
            f"{target}: missing credentials: set {', '.join(missing)} "
            f"(or the Prefect Secret blocks {blocks}); nothing was uploaded"
        )
    return [values[name] or "" for name in env_names]
