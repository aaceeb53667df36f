"""Check: convert text columns into typed, nullable columns and validate them.

In: `RawTable`s from flows.read. Out: typed frames (`Validated`) and a `Report` naming
every problem with its line; the key order; quarantine of refused rows.
May use: flows.read, flows.common and schemas.
"""
