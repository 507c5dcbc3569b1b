"""Fuzzing every file parser with hypothesis (issue 14): each seed of the hostile corpus
(generate.py: one valid export per format), with bytes replaced, inserted or cut by
hypothesis, is recognised and read by its source as `smi import` does (expand, plan, the
text check, read, the writer's checks). The only exception allowed is an SmiError (a
message for the user); anything else is a bug the user would see as "a bug in smi".

No store is touched: rows go to a writer that casts them to the canonical schema and runs
the plausibility checks, as ImportWriter.add does. Bounded: FUZZ_EXAMPLES examples per
format (env SMI_FUZZ_EXAMPLES), no deadline per example."""

from __future__ import annotations

import os
from datetime import datetime

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smi.canonical import SCHEMAS
from smi.errors import SmiError
from smi.store.db import ImportWriter

from .test_hostile import gen

FUZZ_EXAMPLES = int(os.environ.get("SMI_FUZZ_EXAMPLES", "40"))


class _Writer:
    """What a source writes through, without a store: ImportWriter.add's cast and checks."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.observed_at: datetime | None = None
        self.rows = 0

    def add(self, table: str, batch: pa.Table | pa.RecordBatch) -> None:
        if isinstance(batch, pa.RecordBatch):
            batch = pa.Table.from_batches([batch])
        batch = batch.select(SCHEMAS[table].names).cast(SCHEMAS[table])
        ImportWriter._check_dates(self, table, batch)  # type: ignore[arg-type]
        self.rows += batch.num_rows


def read_like_import(args: list[str]) -> int:
    """Expand, plan and read the files as `smi import` would; the rows read."""
    from smi.importer import plan, unknown_format
    from smi.sources import ImportContext, ImportOptions, expand
    from smi.sources.columns import csv_cell_limit

    paths = [a for a in args if not a.startswith("--")]
    options = ImportOptions(timezone="Europe/London")
    if "--account" in args:
        options.account = args[args.index("--account") + 1]
        paths.remove(options.account)
    if "--as-of" in args:
        day = args[args.index("--as-of") + 1]
        options.observed_at = datetime.fromisoformat(day + "T00:00:00+00:00")
        paths.remove(day)
    units, unclaimed = plan(expand(paths), options)
    if not units:
        raise unknown_format(unclaimed, paths)
    total = 0
    for unit in units:
        for f in unit.files:
            f.sha256()
            if f.text_problem is not None:
                raise f.text_problem
        writer = _Writer(unit.name)
        ctx = ImportContext(writer, options)
        with csv_cell_limit():  # as smi.importer.import_unit reads
            unit.source.read(unit, ctx)
        ctx.flush()
        total += writer.rows
    return total


edits = st.lists(st.tuples(st.sampled_from(["replace", "insert", "delete", "cut"]), st.floats(0, 1),
                           st.binary(min_size=1, max_size=8)), min_size=1, max_size=4)


def _apply(data: bytes, changes) -> bytes:  # type: ignore[no-untyped-def]
    b = bytearray(data)
    for how, where, blob in changes:
        at = min(int(where * len(b)), max(len(b) - 1, 0))
        if how == "replace":
            b[at:at + len(blob)] = blob
        elif how == "insert":
            b[at:at] = blob
        elif how == "delete":
            del b[at:at + len(blob)]
        else:
            del b[at:]
    return bytes(b)


@pytest.mark.slow
@pytest.mark.parametrize("seed", gen.SEEDS, ids=[s.name for s in gen.SEEDS])
def test_fuzzed_export_gives_rows_or_an_smi_error(seed, tmp_path):
    folder = tmp_path / "seed"
    path, args = gen._write(seed, folder)
    assert read_like_import(args) > 0  # the seed itself is read
    original = path.read_bytes()
    seen = {"read": 0, "refused": 0}

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(changes=edits)
    def fuzz(changes) -> None:  # type: ignore[no-untyped-def]
        path.write_bytes(_apply(original, changes))
        try:
            read_like_import(args)
            seen["read"] += 1
        except SmiError:
            seen["refused"] += 1

    try:
        fuzz()
    finally:
        path.write_bytes(original)
    print(f"{seed.name}: {seen['read']} read, {seen['refused']} refused")
    assert sum(seen.values()) >= FUZZ_EXAMPLES // 2


def test_fuzz_covers_every_file_source(tmp_path):
    """Every registered source that reads files has a seed here (the API sources read none)."""
    from smi.sources import REGISTRY, load_all

    load_all()
    readers = {n for n, c in REGISTRY.items() if not c.reads.lower().startswith("no files")}
    covered = set()
    for seed in gen.SEEDS:
        from smi.importer import plan
        from smi.sources import ImportOptions, expand

        _, args = gen._write(seed, tmp_path / seed.name)
        units, _ = plan(expand(args[:1]), ImportOptions())
        covered |= {u.source.name for u in units}
    missing = readers - covered
    assert not missing, f"sources with no seed: {sorted(missing)}"
