"""Read the members of an LMS download zip by streaming, with limits on the bytes really produced.

    for member in read_zip("submissions.zip", wanted, warnings):
        member.name, member.data, member.modified

A zip's headers say how large each member is, and can lie; a small zip can also expand a thousandfold.
So nothing here trusts a header: each wanted member is decompressed chunk by chunk, counting the bytes
that actually come out, and reading stops at

- ``ZipLimits.entry_bytes`` for one member (then that member is skipped, with a warning),
- ``ZipLimits.total_bytes`` for the whole download, and ``ZipLimits.ratio`` times the zip's own size
  (then the rest of the download is not read, with a warning),
- ``ZipLimits.members`` entries and ``ZipLimits.name_chars`` per name.

Archives inside the download (``.zip``, ``.tar``, ``.7z``, ...) are never opened: the LMS does not make
them, a student uploaded them, and their contents would carry names nobody vouches for (a nested zip once
made 80 students up). Each is reported, naming the file, so the instructor can ask for the notebooks.
Members under ``__MACOSX/`` and hidden files are skipped. Nothing is extracted to disk; the memory held is
at most ``total_bytes`` of wanted members plus one chunk.
"""
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".7z", ".rar", ".jar", ".whl")
CHUNK = 1 << 20


@dataclass(frozen=True)
class ZipLimits:
    entry_bytes: int = 50 << 20      # one member (a notebook larger than this is refused anyway)
    total_bytes: int = 256 << 20     # every wanted member together (a class of 500 is ~100 MB)
    ratio: int = 200                 # real bytes read / the zip's size, once past ratio_floor
    ratio_floor: int = 64 << 20
    members: int = 200_000
    name_chars: int = 1024


@dataclass
class Member:
    name: str             # the member's path in the zip, e.g. "smithbob_340934_208490284_conv_backward.ipynb"
    data: bytes
    modified: datetime    # the zip's own time of the entry (the LMS's, not a submission time)


class ZipReadError(ValueError):
    """The file is not a zip that can be read at all."""


def is_archive(name):
    return PurePosixPath(name.lower()).name.endswith(ARCHIVE_SUFFIXES)


def _skipped(member):
    return any(part.startswith(".") or part == "__MACOSX" for part in member.parts)


def read_zip(path, wanted, warnings, limits=ZipLimits(), origin=None):
    """Yield a Member for every file of the zip at ``path`` for which ``wanted(name)`` is true.

    Problems go to ``warnings`` (a list of sentences naming the member); ZipReadError when the file is
    not a readable zip.
    """
    origin = origin or str(path)
    size = max(Path(path).stat().st_size, 1)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ZipReadError(f"{origin} is not a readable zip file: {exc}") from None
    total = 0
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.members:
            raise ZipReadError(f"{origin} has {len(infos):,} entries, more than the {limits.members:,} an LMS "
                               f"download of one assignment can have")
        for info in infos:
            name = info.filename
            if info.is_dir():
                continue
            where = f"{origin}:{name[:200]}"
            if len(name) > limits.name_chars:
                warnings.append(f"{where}...: skipped, its name is longer than {limits.name_chars} characters")
                continue
            member = PurePosixPath(name)
            if _skipped(member):
                continue
            if is_archive(name):
                warnings.append(f"{where}: skipped, an archive inside the download is never opened (its names are "
                                f"not the LMS's); ask the student who uploaded it for the .ipynb files")
                continue
            if not wanted(name):
                continue
            data = _read_member(archive, info, where, limits, warnings, limits.total_bytes - total)
            if data is None:
                continue
            if data is _STOP:
                warnings.append(f"{origin}: stopped reading: its members expand to more than "
                                f"{limits.total_bytes >> 20} MB; the rest of the download was not read")
                return
            total += len(data)
            if total > limits.ratio_floor and total > limits.ratio * size:
                warnings.append(f"{origin}: stopped reading: its members expand to more than {limits.ratio} times "
                                f"the zip's size (a zip bomb?); the rest of the download was not read")
                return
            try:
                modified = datetime(*info.date_time)
            except ValueError:
                modified = None
            yield Member(name, data, modified)


_STOP = object()


def _read_member(archive, info, where, limits, warnings, budget):
    """The member's bytes, counted as they come out; None (with a warning) when it is skipped, _STOP when the
    download's total budget ran out."""
    chunks, real = [], 0
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                real += len(chunk)
                if real > limits.entry_bytes:
                    warnings.append(f"{where}: skipped, it expands to more than {limits.entry_bytes >> 20} MB")
                    return None
                if real > budget:
                    return _STOP
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        warnings.append(f"{where}: skipped, it cannot be read from the zip ({exc})")
        return None
    return b"".join(chunks)
