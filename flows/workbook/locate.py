"""Name each problem's sheet and cell (`Ereignisse!F14`), and its row in a CSV.

The import validates CSV text it wrote itself from the sheets, knowing the line each
sheet row landed on; a problem's line leads back to the row, its column to the letter.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from flows.common.report import Problem
from flows.workbook.sheets import SheetRows


@dataclass
class Placed:
    """A sheet as validated: its rows and the CSV line each of them starts on."""

    rows: SheetRows
    lines: list[int]

    def cell_of(self, problem: Problem) -> Problem:
        if problem.line is None:
            return problem.located(sheet=self.rows.sheet)
        if problem.line == 1:
            row = 1
        else:
            index = bisect_right(self.lines, problem.line) - 1
            if index < 0:
                return problem.located(sheet=self.rows.sheet)
            row = self.rows.rows[index]
        letter = self.rows.letter(problem.column)
        cell = f"{letter}{row}" if letter else None
        return problem.located(sheet=self.rows.sheet, cell=cell, row=row)


def locate(
    problems: list[Problem], placed: dict[str, Placed], reader: list[Problem]
) -> list[Problem]:
    """The problems with sheet, cell and row wherever their file came from a sheet.

    A cell the reader refused already (a formula, a date) is not reported again by the
    checks that read the text written in its place.
    """
    refused = {(p.sheet, p.cell) for p in reader if p.cell and p.severity == "error"}
    located = [placed[p.file].cell_of(p) if p.file in placed else p for p in problems]
    return [p for p in located if not p.cell or (p.sheet, p.cell) not in refused]
