"""Read: the curated CSV files of raw/ as text, each row with the line it starts on.

In: files in raw/. Out: `RawTable` (every column a string) and problems for what cannot
be read (encoding, quoting, header). May use: flows.common and schemas.
"""
