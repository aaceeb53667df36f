"""The curators' workbook: export raw/ to xlsx or ods, import it back, mark the bad cells.

`layout` says which sheet and column holds what (all of it read from schemas/),
`export` writes the workbook, `labels` gives it its German face (column and code labels
out, raw/'s names and codes in; `csv_labels` does the same for a sheet saved as CSV).
Every supplied file is hostile until read: `package` checks a workbook's zip and XML
against `limits` (and `opendocument` counts an ods's repeated rows) before anything
opens it, `stream` walks a sheet keeping only the cells that hold values, `sheets` turns
them into rows (deciding every spreadsheet trap, see docs/workbook.md),
`spreadsheet_csv` decodes a spreadsheet's CSV strictly, `canonical` turns rows into
raw/'s exact CSV form and compares them with raw/, `locate` names each problem's sheet
and cell, `annotate` writes the curator's copy with the bad cells marked, `office`
converts between xlsx and ods with LibreOffice, and `commands` holds what `partnerships
workbook export|import` do.

The import validates with flows.check exactly as the nightly run does.

May use: flows.check, flows.read, flows.common, schemas.
"""
