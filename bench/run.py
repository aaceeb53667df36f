"""Is the pipeline near the I/O floor? Time it against pyarrow on the same synthetic data.

    python bench/run.py [--rows N] [--repeat K] [--no-prefect]

Every measurement runs in a fresh process (bench/measure.py, or the `partnerships`
command itself); its wall time and peak RSS come from os.wait4. Repeats are interleaved
so that load from other processes on the machine falls on every measurement alike, and
the ratios compare medians taken in the same run. The last line printed is

    full/floor=1.23 bad/clean=1.05 rss/floor=1.10 validate_s=0.80 noop/full=0.05
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
GENERATE = BENCH / "generate.py"
#: what the pipeline reads besides its input; copied once so edits during a run do not count
SNAPSHOT = ("flows", "schemas", "bench", "raw", "metadata.toml", "pyproject.toml")


@dataclass
class Sample:
    wall_s: float
    rss_mb: float
    #: what the process printed as its last line (measure.py only)
    found: dict


@dataclass
class Measurement:
    key: str
    label: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def work_s(self) -> float:
        """Median of the time the work took inside the process, imports excluded."""
        return statistics.median(s.found.get("work_s", s.wall_s) for s in self.samples)

    @property
    def wall_s(self) -> float:
        """Median of the whole process's wall time."""
        return statistics.median(s.wall_s for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return max(s.rss_mb for s in self.samples)

    def last(self) -> dict:
        return self.samples[-1].found


class BenchmarkError(Exception):
    pass


def snapshot_code(folder: Path) -> Path:
    """Copy the code, the shipped raw/ and the settings the pipeline reads into folder.

    The no-op detection hashes flows/*.py and others edit this checkout while a benchmark
    runs; measuring a copy keeps every measurement on the same code.
    """
    for name in SNAPSHOT:
        source = REPO / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "data")
            shutil.copytree(source, folder / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, folder / name)
    return folder


def run_process(command: list[str], env: dict[str, str], log: Path, cwd: Path = REPO) -> Sample:
    """Run one process to its end; wall time, peak RSS and its last JSON line, if any."""
    with open(log.with_suffix(".out"), "w+b") as out, open(log.with_suffix(".err"), "w+b") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        # wait4 gives this child's own resource usage, not the sum over all children
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        lines = out.read().decode("utf-8", "replace").strip().splitlines()
        if process.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-3000:]
            raise BenchmarkError(f"{' '.join(command)} exited {process.returncode}:\n{tail}")
    found = {}
    if lines and lines[-1].startswith("{"):
        found = json.loads(lines[-1])
    # Linux reports ru_maxrss in kilobytes
    return Sample(wall, usage.ru_maxrss / 1024, found)


def ensure_data(rows: int, seed: int, invalid: float, root: Path) -> Path:
    """The data folder for these parameters, generated in a child process when missing.

    This process stays small on purpose: a child's peak RSS as the kernel reports it
    includes the memory of the process it was forked from.
    """
    command = [sys.executable, str(GENERATE), "--ensure", f"--rows={rows}", f"--seed={seed}"]
    command += [f"--invalid={invalid}", f"--root={root}"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchmarkError(f"generating the data failed:\n{result.stderr[-3000:]}")
    return Path(result.stdout.strip().splitlines()[-1])


def child_env(workdir: Path, code: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([str(code), env.get("PYTHONPATH", "")]).rstrip(":"),
            # a private Prefect home: others run Prefect on this machine at the same time
            "PREFECT_HOME": str(workdir / "prefect-home"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
            "PREFECT_LOGGING_LEVEL": "WARNING",
        }
    )
    return env


def partnerships_command() -> list[str]:
    # what the `partnerships` script runs, but from the snapshot on PYTHONPATH
    return [sys.executable, "-m", "flows.cli"]


MEASUREMENTS = {
    "floor": "(a) floor: pyarrow read + Parquet + CSV + JSON",
    "publishing_floor": "(a') + spreadsheet copy, sha256, fsync",
    "validate": "(b) validation alone (validate_raw)",
    "full": "(c) full run without Prefect (pipeline.run)",
    "bad": "(c') full run, invalid rows",
    "quarantine": "(c'') the same with quarantine",
    "nightly": "(d) full run under Prefect (nightly)",
    "cli_validate": "(e) partnerships validate, shipped raw/",
    "trivial_flow": "(f) trivial Prefect flow",
    "noop": "(g) no-op rerun (pipeline.run again)",
    "site": "(i) website alone, on (c)'s release",
    "site_shipped": "(i') website alone, shipped raw/",
    "cli_run": "(h) partnerships run, shipped raw/",
}
PREFECT_MEASUREMENTS = {"nightly", "trivial_flow", "cli_run"}


@dataclass
class Results:
    rows: int
    repeat: int
    invalid: float
    data_mb: float
    measurements: dict[str, Measurement]

    def __getitem__(self, key: str) -> Measurement:
        return self.measurements[key]

    def ratios(self) -> dict[str, float]:
        full = self["full"].work_s
        return {
            "full/floor": full / self["floor"].work_s,
            "bad/clean": self["bad"].work_s / full,
            "rss/floor": self["full"].rss_mb / self["floor"].rss_mb,
            "validate_s": self["cli_validate"].wall_s,
            "noop/full": self["noop"].work_s / full,
        }

    def reference_ratios(self) -> dict[str, float]:
        """Ratios beside the issue's: how far the full run is from the publishing floor."""
        if "publishing_floor" not in self.measurements:
            return {}
        full, publishing = self["full"], self["publishing_floor"]
        return {
            "full/publishing_floor": full.work_s / publishing.work_s,
            "publishing_floor/floor": publishing.work_s / self["floor"].work_s,
        }

    def final_line(self) -> str:
        return " ".join(f"{name}={value:.2f}" for name, value in self.ratios().items())

    def to_dict(self) -> dict:
        return {
            "rows": self.rows,
            "repeat": self.repeat,
            "invalid": self.invalid,
            "data_mb": self.data_mb,
            "ratios": self.ratios(),
            "reference_ratios": self.reference_ratios(),
            "measurements": {
                key: {
                    "label": m.label,
                    "work_s": m.work_s,
                    "wall_s": m.wall_s,
                    "rss_mb": m.rss_mb,
                    "samples": [vars(s) for s in m.samples],
                }
                for key, m in self.measurements.items()
            },
        }


def benchmark(
    rows: int,
    repeat: int = 3,
    *,
    seed: int = 0,
    invalid: float = 0.01,
    prefect: bool = True,
    workdir: Path | None = None,
    data: Path = BENCH / "data",
    progress=print,
) -> Results:
    """Generate (or reuse) the data and take every measurement `repeat` times."""
    clean = ensure_data(rows, seed, 0.0, data)
    broken = ensure_data(rows, seed, invalid, data)
    data_mb = sum(p.stat().st_size for p in clean.glob("*.csv")) / 2**20
    keys = [k for k in MEASUREMENTS if prefect or k not in PREFECT_MEASUREMENTS]
    results = {k: Measurement(k, MEASUREMENTS[k]) for k in keys}
    own_workdir = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="partnerships-bench-")) if own_workdir else workdir
    try:
        code = snapshot_code(workdir / "code")
        env = child_env(workdir, code)
        measure = [sys.executable, str(code / "bench" / "measure.py")]
        shipped_raw = code / "raw"
        if prefect:
            progress("preparing a private Prefect home (database migrations, not timed)")
            run_process([*measure, "trivial-flow"], env, workdir / "prime", cwd=code)
        for k in range(1, repeat + 1):
            out = workdir / f"run{k}"
            out.mkdir()

            def take(key: str, command: list[str], k: int = k, out: Path = out) -> dict:
                if key not in results:
                    return {}
                progress(f"[{k}/{repeat}] {results[key].label}")
                sample = run_process(command, env, out / key, cwd=code)
                results[key].samples.append(sample)
                return sample.found

            take("floor", [*measure, "floor", "--raw", str(clean), "--output", str(out / "floor")])
            shutil.rmtree(out / "floor")
            take(
                "publishing_floor",
                [*measure, "publishing-floor", "--raw", str(clean), "--output", str(out / "pf")],
            )
            shutil.rmtree(out / "pf")
            take("validate", [*measure, "validate", "--raw", str(clean)])
            found = take(
                "full", [*measure, "full", "--raw", str(clean), "--output", str(out / "o")]
            )
            if found.get("release_id") is None:
                raise BenchmarkError(f"the clean synthetic data was refused: {found}")
            take("noop", [*measure, "noop", "--raw", str(clean), "--output", str(out / "o")])
            take("site", [*measure, "site", "--raw", str(clean), "--output", str(out / "o")])
            take(
                "site_shipped",
                [*measure, "site", "--raw", str(shipped_raw), "--output", str(out / "s")],
            )
            found = take(
                "bad", [*measure, "full", "--raw", str(broken), "--output", str(out / "b")]
            )
            if found.get("release_id") is not None:
                raise BenchmarkError("the data with invalid rows was published")
            quarantined = out / "q"
            take(
                "quarantine",
                [
                    *measure,
                    "full",
                    "--quarantine",
                    "--raw",
                    str(broken),
                    "--output",
                    str(quarantined),
                ],
            )
            take("nightly", [*measure, "nightly", "--raw", str(clean), "--output", str(out / "n")])
            take("cli_validate", [*partnerships_command(), "validate", "--raw", str(shipped_raw)])
            take("trivial_flow", [*measure, "trivial-flow"])
            take(
                "cli_run",
                [
                    *partnerships_command(),
                    "run",
                    "--raw",
                    str(shipped_raw),
                    "--output",
                    str(out / "c"),
                ],
            )
            shutil.rmtree(out)
    finally:
        if own_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return Results(rows, repeat, invalid, data_mb, results)


def table(results: Results) -> str:
    header = f"{'measurement':44} {'work s':>8} {'process s':>10} {'peak MB':>8}  notes"
    lines = [
        f"{results.rows} event rows, {results.data_mb:.0f} MB of CSV; medians of "
        f"{results.repeat} run(s), peak RSS = highest of them",
        header,
        "-" * len(header),
    ]
    for key, m in results.measurements.items():
        lines.append(
            f"{m.label:44} {m.work_s:8.3f} {m.wall_s:10.3f} {m.rss_mb:8.0f}  {notes(key, m)}"
        )
    return "\n".join(lines)


def notes(key: str, m: Measurement) -> str:
    found = m.last()
    if "skipped" in found:
        return f"skipped: {found['skipped']}"
    if key in ("bad", "quarantine"):
        named = found["bad_rows"] - found["missed"]
        published = "published" if found["release_id"] else "nothing published"
        names = f"names {named}/{found['bad_rows']} broken rows"
        html = (
            f"; report.html {found['html_s']:.2f} s, {found['html_bytes'] / 1e6:.2f} MB"
            if "html_s" in found
            else ""
        )
        return f"{found['errors']} problems, {published}; {names}{html}"
    if key == "noop":
        return f"{found['files_written']} file(s) written {found['first_written']}"
    if key in ("validate",):
        return f"{found['errors']} problems"
    if key in ("site", "site_shipped"):
        return f"{found['pages']} pages, {found['page_bytes'] / 1024:.0f} KiB"
    return ""


def targets(results: Results) -> list[str]:
    """The issue's targets, each with the measured value."""
    r = results.ratios()
    # issue 26's targets, stricter than issue 7's (full <= 1.5 x floor, RSS <= 1.5 x, 1 s)
    reference = results.reference_ratios()
    checks = []
    if reference:
        ratio = reference["full/publishing_floor"]
        checks.append(("full run <= 1.6 x publishing floor", ratio, 1.6))
    checks += [
        ("validation alone <= 0.6 s", results["validate"].work_s, 0.6),
        ("peak RSS of full run <= 1.3 x floor's", r["rss/floor"], 1.3),
        ("partnerships validate <= 0.5 s (whole process)", r["validate_s"], 0.5),
        ("run with invalid rows <= 1.5 x clean run", r["bad/clean"], 1.5),
        ("no-op rerun <= 0.10 x full run", r["noop/full"], 0.10),
        ("no-op rerun writes no file", results["noop"].last()["files_written"], 0),
    ]
    if "site" in results.measurements:
        site_share = results["site"].work_s / results["full"].work_s
        checks.append(("website <= 0.05 x full run", site_share, 0.05))
        checks.append(("website on the shipped data <= 0.3 s", results["site_shipped"].work_s, 0.3))
    quarantine = results.measurements.get("quarantine")
    if quarantine and "skipped" not in quarantine.last():
        ratio = quarantine.work_s / results["full"].work_s
        checks.append(("the same with quarantine <= 1.5 x clean run", ratio, 1.5))
    if "cli_run" in results.measurements:
        extra = results["cli_run"].wall_s - results["trivial_flow"].wall_s
        checks.append(("partnerships run <= trivial flow + 1 s", extra, 1.0))
    bad = results["bad"].last() if "bad" in results.measurements else {}
    if "html_s" in bad:
        checks.append(("report.html of the invalid run <= 1.0 s", bad["html_s"], 1.0))
        checks.append(("report.html of the invalid run <= 5 MB", bad["html_bytes"] / 1e6, 5.0))
    for key in ("bad", "quarantine"):
        found = results[key].last() if key in results.measurements else {}
        if "missed" in found:
            checks.append((f"{key}: report names every broken row (missed)", found["missed"], 0))
    return [
        f"{'met ' if value <= limit else 'MISSED'}  {name}: {value:.2f} (limit {limit})"
        for name, value, limit in checks
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="event rows (default 1M)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--invalid", type=float, default=0.01, help="share of broken rows")
    parser.add_argument("--no-prefect", action="store_true", help="skip (d), (f) and (h)")
    parser.add_argument("--json", type=Path, help="also write every sample to this file")
    parser.add_argument(
        "--data", type=Path, default=BENCH / "data", help="where generated data is kept"
    )
    args = parser.parse_args(argv)
    progress = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    try:
        results = benchmark(
            args.rows,
            args.repeat,
            seed=args.seed,
            invalid=args.invalid,
            prefect=not args.no_prefect,
            data=args.data,
            progress=progress,
        )
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2
    if args.json:
        args.json.write_text(json.dumps(results.to_dict(), indent=1) + "\n", encoding="utf-8")
    print(table(results))
    print()
    print("\n".join(targets(results)))
    reference = results.reference_ratios()
    if reference:
        print("reference: " + " ".join(f"{k}={v:.2f}" for k, v in reference.items()))
    print(results.final_line())
    missed = sum(m.last().get("missed", 0) for m in results.measurements.values())
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
