"""Input files: plain files, folders and zip members, all read the same way."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from smi.errors import SourceError

HEAD_BYTES = 8192


@dataclass
class InputFile:
    """One file to read. `name` is what the user sees; `relpath` is its path inside what
    the user gave (a folder or a zip), used to find sibling files of the same export."""

    name: str
    relpath: str
    size: int
    origin: Path
    opener: Callable[[], BinaryIO]
    _head: bytes | None = field(default=None, repr=False)
    _sha256: str | None = field(default=None, repr=False)

    @property
    def basename(self) -> str:
        return PurePosixPath(self.relpath).name

    @property
    def parent(self) -> str:
        return str(PurePosixPath(self.relpath).parent)

    def open(self) -> BinaryIO:
        try:
            return self.opener()
        except OSError as e:
            raise SourceError(self.name, f"cannot be read: {e.strerror or e}", fix="check the file exists and is readable") from None

    def head(self) -> bytes:
        """The first few KB (for detecting the format by content)."""
        if self._head is None:
            with self.open() as f:
                self._head = f.read(HEAD_BYTES)
        return self._head

    def head_text(self) -> str:
        raw = self.head()
        for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
            if raw.startswith(bom):
                return raw[len(bom):].decode(enc, errors="ignore")
        return raw.decode("utf-8", errors="ignore")

    def sha256(self) -> str:
        if self._sha256 is None:
            h = hashlib.sha256()
            with self.open() as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            self._sha256 = h.hexdigest()
        return self._sha256


def _from_path(p: Path, root: Path) -> InputFile:
    rel = p.relative_to(root).as_posix() if p != root else p.name
    return InputFile(name=str(p), relpath=rel, size=p.stat().st_size, origin=p, opener=lambda: p.open("rb"))


def _from_zip(p: Path) -> Iterator[InputFile]:
    try:
        zf = zipfile.ZipFile(p)
    except zipfile.BadZipFile:
        raise SourceError(str(p), "is not a readable zip file", fix="download the export again; it may be incomplete") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
    for info in infos:
        if info.filename.startswith("__MACOSX/") or PurePosixPath(info.filename).name.startswith("."):
            continue

        def opener(member: str = info.filename) -> BinaryIO:
            z = zipfile.ZipFile(p)
            inner = z.open(member)
            return _ZipMember(z, inner)

        yield InputFile(
            name=f"{p}!{info.filename}", relpath=info.filename, size=info.file_size, origin=p, opener=opener
        )


class _ZipMember(io.RawIOBase):
    """A zip member stream that closes its zip file when closed."""

    def __init__(self, zf: zipfile.ZipFile, inner: BinaryIO) -> None:
        self._zf = zf
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        data = self._inner.read(len(b))
        b[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        return self._inner.read(size)

    def close(self) -> None:
        if not self.closed:
            self._inner.close()
            self._zf.close()
        super().close()


def expand(paths: list[str | Path]) -> list[InputFile]:
    """Files, folders (recursively) and zip files into a flat list of input files."""
    out: list[InputFile] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if not p.exists():
            raise SourceError(str(p), "does not exist", fix="check the path")
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    if f.suffix.lower() == ".zip":
                        out.extend(_from_zip(f))
                    else:
                        out.append(_from_path(f, p))
        elif p.suffix.lower() == ".zip":
            out.extend(_from_zip(p))
        else:
            out.append(_from_path(p, p.parent))
    return out
