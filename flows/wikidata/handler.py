"""What `partnerships wikidata compare` runs, from its parsed arguments.

The command line imports this module when it starts, so it imports nothing heavy
itself: pandas, the schemas and the comparison load when the command runs. Its exit
codes are flows.wikidata.command's: 1 there means differences, 6 a failed endpoint.
"""

from __future__ import annotations

import argparse


def compare(args: argparse.Namespace) -> int:
    from flows.wikidata.command import compare_command

    return compare_command(
        args.raw, args.out, endpoint=args.endpoint, timeout=args.timeout,
        max_wait=args.max_wait, retrieved=args.retrieved,
    )  # fmt: skip
