"""The report's compiled template is kept in the user's cache folder (like Python's bytecode)
and used again, but never across a change of the options it was compiled with."""

from __future__ import annotations

from pathlib import Path

import pytest

from smi.report import render
from smi.report.i18n import Words


def test_the_compiled_template_is_used_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = render._env(Words("en")).get_template("report.html.j2")
    files = list((tmp_path / "smi" / "templates").glob("report-*.cache"))
    assert len(files) == 1  # the one template it loaded (it includes the others when rendered)

    env = render._env(Words("cy"))  # the same options in another language: the same code

    def no_compile(*_a: object, **_k: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(env, "compile", no_compile)
    second = env.get_template("report.html.j2")
    assert second.root_render_func.__code__.co_code == first.root_render_func.__code__.co_code


def test_other_options_compile_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    env = render._env(Words("en"))
    a = render._bytecode_cache(env)
    env.trim_blocks = False
    b = render._bytecode_cache(env)
    assert a is not None and b is not None and a.pattern != b.pattern


def test_no_writable_cache_folder_means_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    env = render._env(Words("en"))
    assert env.bytecode_cache is None
    assert env.get_template("report.html.j2") is not None  # compiled, as before
