"""Write: each validated dataset as CSV, Parquet, JSON and a spreadsheet copy.

In: typed frames from flows.check. Out: byte-identical files in a staging folder.
May use: flows.check, flows.read, flows.common and schemas.
"""
