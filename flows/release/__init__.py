"""Release: where releases live and what each one records.

The store (atomic swap of `output/`, lock, pruning), the manifest and the input hashes,
the changelog and the diff between releases, rollback, and the summary of a run.
May use: flows.describe and the stages below it, and schemas.
"""
