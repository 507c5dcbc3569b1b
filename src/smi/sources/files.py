"""Input files: plain files, folders and zip members, all read the same way."""

from __future__ import annotations

import codecs
import hashlib
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from smi.errors import SourceError
from smi.messages import N_, M, en_p

HEAD_BYTES = 8192

# Files read as text: checked to be what they claim (UTF-8, or UTF-16 with its BOM) in the
# same pass that hashes them, so a Latin-1 or binary file is refused naming its line before
# any source reads it (a source reading it with errors="replace" would store mangled text).
TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".js"})

# Bounds on a zip (a zip bomb expands a few MB into many GB). Exports compress text 5-20
# times; deflate cannot beat ~1,030 times. Checked on the sizes the zip declares, which are
# also all Python's zipfile will ever return of a member.
ZIP_MAX_MEMBERS = 100_000
ZIP_MAX_TOTAL = 32 << 30  # bytes, all members expanded (an X archive's media included)
ZIP_MAX_RATIO = 250  # expanded : compressed, for a member over ZIP_RATIO_FROM bytes
ZIP_RATIO_FROM = 16 << 20


@dataclass
class InputFile:
    """One file to read. `name` is what the user sees; `relpath` is its path inside what
    the user gave (a folder or a zip), used to find sibling files of the same export."""

    name: str
    relpath: str
    size: int
    origin: Path
    opener: Callable[[], BinaryIO]
    # What the import should be told about the file (two zip members of its name, say).
    notes: list[str] = field(default_factory=list, repr=False)
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
            check = _TextCheck(self) if PurePosixPath(self.basename).suffix.lower() in TEXT_SUFFIXES else None
            with self.open() as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
                    if check is not None:
                        check.feed(chunk)
            if check is not None:
                check.end()
                self.text_problem = check.problem
            self._sha256 = h.hexdigest()
        return self._sha256

    # Set by sha256(): why the file is not the text it claims to be (a SourceError), or None.
    text_problem: SourceError | None = field(default=None, repr=False)


class _TextCheck:
    """Decode a text file chunk by chunk: the first line that is not UTF-8 (UTF-16 when the
    file starts with its BOM), or that holds a NUL byte, becomes a SourceError."""

    def __init__(self, f: InputFile) -> None:
        self.f = f
        self.decoder: codecs.IncrementalDecoder | None = None
        self.nl = b"\n"
        self.lines = 1
        self.problem: SourceError | None = None
        self.started = False

    def feed(self, chunk: bytes) -> None:
        if self.problem is not None:
            return
        if not self.started:
            self.started = True
            if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                enc = "utf-16-le" if chunk.startswith(b"\xff\xfe") else "utf-16-be"
                self.decoder = codecs.getincrementaldecoder(enc)()
                self.nl = "\n".encode(enc)
            elif len(chunk) >= 64 and (chunk[1:64:2].count(0) > 24 or chunk[0:64:2].count(0) > 24):
                return  # UTF-16 without a BOM: the source says so (no decoder: nothing checked)
            else:
                self.decoder = codecs.getincrementaldecoder("utf-8")()
        if self.decoder is None:
            return
        try:
            text = self.decoder.decode(chunk)
        except UnicodeDecodeError as e:
            self._fail(chunk, e.start, "is not UTF-8 text" if self.nl == b"\n" else "is not valid UTF-16 text")
            return
        if "\x00" in text:
            self._fail(chunk, None, "holds NUL bytes (binary data, not text)", at_text=text.index("\x00"))
            return
        self.lines += text.count("\n")

    def end(self) -> None:
        if self.problem is None and self.decoder is not None:
            try:
                self.decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.problem = self._error("ends in the middle of a character (the file is cut short)")

    def _fail(self, chunk: bytes, at: int | None, problem: str, at_text: int | None = None) -> None:
        if at is not None:
            self.lines += chunk[:at].count(self.nl)
        elif at_text is not None and self.decoder is not None:
            self.lines += chunk.decode("utf-8", errors="replace")[:at_text].count("\n") if self.nl == b"\n" else 0
        self.problem = self._error(problem)

    def _error(self, problem: str) -> SourceError:
        utf16 = self.nl != b"\n"
        return SourceError(self.f.name, problem, record=f"line {self.lines:,}",
                           expected="UTF-16 text" if utf16 else "UTF-8 text",
                           fix="export the file again from the platform; if you saved it from a spreadsheet, "
                               "save it as 'CSV UTF-8'")


def _from_path(p: Path, root: Path) -> InputFile:
    rel = p.relative_to(root).as_posix() if p != root else p.name
    return InputFile(name=str(p), relpath=rel, size=p.stat().st_size, origin=p, opener=lambda: p.open("rb"))


def _size(n: int) -> str:
    for unit, shift in (("GB", 30), ("MB", 20), ("KB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):,.1f} {unit}"
    return f"{n:,} bytes"


def check_zip_bounds(name: str, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb before reading it: too many members, too much expanded, or a member
    that expands far more than any export does. Raises SourceError naming the member."""
    fix = M("download the export again from the platform; smi does not read a zip like this")
    if len(infos) > ZIP_MAX_MEMBERS:
        raise SourceError(name, M("holds %(n)s files, more than smi reads from a zip (%(limit)s)",
                                  n=f"{len(infos):,}", limit=f"{ZIP_MAX_MEMBERS:,}"), fix=fix)
    total = 0
    for i in infos:
        total += i.file_size
        if i.file_size > ZIP_RATIO_FROM and i.file_size > ZIP_MAX_RATIO * max(i.compress_size, 1):
            raise SourceError(name, f"expands {_size(i.compress_size)} into {_size(i.file_size)} "
                              f"({i.file_size // max(i.compress_size, 1):,} times; exports compress at most "
                              f"{ZIP_MAX_RATIO} times): a zip bomb or a damaged zip", record=f"member {i.filename}",
                              fix=fix)
    if total > ZIP_MAX_TOTAL:
        raise SourceError(name, M("expands to %(size)s, more than smi reads from a zip (%(limit)s)",
                                  size=_size(total), limit=_size(ZIP_MAX_TOTAL)),
                          fix=M("unzip it and import only the files smi reads"))


def _from_zip(p: Path) -> Iterator[InputFile]:
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise SourceError(str(p), f"is not a readable zip file ({e})",
                          fix="download the export again; it may be incomplete") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
    check_zip_bounds(str(p), infos)
    # Two members of one name: the last is read (as unzip does); the import says so.
    seen: dict[str, int] = {}
    for info in infos:
        seen[info.filename] = seen.get(info.filename, 0) + 1
    last = {info.filename: info for info in infos}
    for name, info in last.items():
        if name.startswith("__MACOSX/") or PurePosixPath(name).name.startswith("."):
            continue

        def opener(member: zipfile.ZipInfo = info) -> BinaryIO:
            z = zipfile.ZipFile(p)
            try:
                inner = z.open(member)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError) as e:
                z.close()
                raise SourceError(f"{p}!{member.filename}", f"cannot be read from the zip ({e})",
                                  fix="download the export again; the zip is damaged") from None
            return _ZipMember(z, inner, f"{p}!{member.filename}")

        notes = [f"{p.name} holds {seen[name]} members named {name}: read the last, ignored "
                 f"{seen[name] - 1}"] if seen[name] > 1 else []
        yield InputFile(
            name=f"{p}!{name}", relpath=name, size=info.file_size, origin=p, opener=opener, notes=notes
        )


class _ZipMember(io.RawIOBase):
    """A zip member stream that closes its zip file when closed."""

    def __init__(self, zf: zipfile.ZipFile, inner: BinaryIO, name: str = "") -> None:
        self._zf = zf
        self._inner = inner
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        try:
            return self._inner.read(size)
        except (zlib.error, zipfile.BadZipFile, EOFError) as e:
            # a damaged member: say so, never a zlib.error
            raise SourceError(self._name, f"is damaged inside the zip ({e})",
                              fix="download the export again; the zip is damaged") from None

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
            raise SourceError(str(p), M("does not exist"), fix=M("check the path"))
        if not (p.is_dir() or p.is_file()):  # a named pipe, socket or device would block or never end
            raise SourceError(str(p), "is not a regular file (a named pipe, socket or device)",
                              fix="give the export file itself")
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


# JSON read with ijson: its C backend copies a string that spans many reads again on each
# read (a 20 MB string: 10 s with 64 KB reads), so it reads in large pieces; and no post,
# profile or comment holds a string anywhere near MAX_JSON_STRING, so a longer run of bytes
# without a quote is refused before it is held in memory.
IJSON_BUF = 8 << 20
MAX_JSON_STRING = 64 << 20


class StringGuard:
    """A byte stream for ijson that raises SourceError when MAX_JSON_STRING bytes pass with
    no `"` (one string longer than any export holds: a bomb, or a damaged file)."""

    def __init__(self, stream: BinaryIO, name: str, limit: int = MAX_JSON_STRING) -> None:
        self._stream = stream
        self._name = name
        self._limit = limit
        self._run = 0  # bytes since the last quote

    def read(self, n: int = -1) -> bytes:
        data = self._stream.read(n)
        q = data.rfind(b'"')
        self._run = len(data) - q - 1 if q >= 0 else self._run + len(data)
        if self._run > self._limit:
            raise SourceError(self._name, f"holds a string longer than {_size(self._limit)}, which no export does "
                              "(a damaged file or a zip bomb)",
                              fix="download the export again from the platform")
        return data


# Sources that read a whole file into memory (the formats are a few MB at most) refuse one
# over this size rather than hold many times it while parsing (a zip bomb, a wrong file).
MAX_WHOLE_FILE = 64 << 20


# What a whole-file source reads, as read_whole's callers name it (msgids: the error is said in
# the reader's language)
WHOLE_FILES = (N_("a Meta export"), N_("a TikTok Studio export"), N_("a file of Bluesky posts"),
               N_("a conversations file"))


def read_whole(stream: BinaryIO, name: str, what: str, limit: int = MAX_WHOLE_FILE) -> bytes:
    """All of a stream, or a SourceError when it is over `limit` bytes."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise SourceError(name, M("is over %(size)s, more than %(what)s ever is (a zip bomb or a wrong file)",
                                  size=_size(limit), what=M(what) if what in WHOLE_FILES else en_p(what)),
                          fix=M("check that this is the export the platform gave; split it into smaller files "
                                "if it is"))
    return data
