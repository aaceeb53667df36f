"""What every stage shares: paths, the problem report, digests, durable files, test hooks.

Imports nothing from the other stages; `report` uses the rule texts of schemas/.
"""
