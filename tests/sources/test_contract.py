"""A contract every registered source keeps."""

from __future__ import annotations

import pytest

from smi.canonical import SCHEMAS
from smi.sources import REGISTRY, ImportOptions, Source, expand, load_all

load_all()
SOURCES = sorted(REGISTRY)


def test_there_are_sources():
    assert {"x_archive", "mastodon_archive"} <= set(SOURCES)


@pytest.mark.parametrize("name", SOURCES)
def test_source_describes_itself(name):
    cls = REGISTRY[name]
    assert issubclass(cls, Source)
    assert cls.name == name
    assert cls.title and cls.reads, "shown by `smi sources`"
    assert cls.provides and set(cls.provides) <= set(SCHEMAS), cls.provides
    assert cls.read is not Source.read, "must implement read()"
    module_doc = __import__(cls.__module__, fromlist=["x"]).__doc__
    assert cls.__doc__ or module_doc, "a source says what it reads in a docstring"


@pytest.mark.parametrize("name", SOURCES)
def test_source_ignores_files_it_does_not_read(name, tmp_path):
    """Detection must not claim unrelated files, nor crash on binary junk or empty files."""
    (tmp_path / "notes.txt").write_text("meeting notes, nothing to import\n")
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "other.json").write_text('{"hello": "world"}')
    files = expand([tmp_path])
    units = REGISTRY[name]().claim(files, ImportOptions())
    assert units == []
