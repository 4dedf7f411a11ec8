"""Find the submissions to grade: an nbgrader ``submitted/`` folder, single notebooks, or LMS downloads.

    submissions, warnings = find_submissions(["submitted/"], course_dir)           # auto-detected
    submissions, warnings = find_submissions(["submissions.zip"], course_dir, lms="canvas")

A submission is one student's assignment: the notebooks of the exercises (``conv_backward.ipynb``,
``maxpool_backward.ipynb``), any of which may be missing.

- Folders use nbgrader's layout, ``<student>/<assignment>/<notebook>.ipynb`` (the folder passed may
  also be a single student's, ``<assignment>/<notebook>.ipynb``); nbgrader's ``timestamp.txt`` is read.
- A notebook passed alone belongs to the student named by its folders (``.../alice/<assignment>/x.ipynb``
  or ``.../alice/x.ipynb``), else by its LMS file name, else by its file name.
- A zip is an LMS download (Canvas, Moodle, Blackboard, or nbgrader's layouts: ``graders.engine.lms``), read
  by streaming with limits (``graders.engine.zipread``); its format is detected from its names, or given.
  Who submitted a file comes from the LMS's own structure, anchored; never from what a student chose.

Of several copies of one notebook of one student (attempts, resubmissions), the newest is graded, and the
others are noted on the submission; two copies that cannot be ordered are a conflict, reported in the
warnings (stderr) and the submission's notes (JSON), and resolved by taking the exact notebook name over a
renamed one, then the one the LMS listed last. A time that cannot be read is a warning, never a crash.
"""
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from graders.engine.lms import LMS_NAMES, Claim, default_assignment, detect, formats, known_notebooks, notebook_name
from graders.engine.lms.nbgrader import PatternError
from graders.engine.timestamps import parse_timestamp
from graders.engine.zipread import ZipLimits, ZipReadError, read_zip
from graders.i18n import _

MAX_TIMESTAMP_FILE_BYTES = 1000


def notebook_assignments():
    """{notebook name without .ipynb: assignment id} of every exercise."""
    return known_notebooks()


@dataclass
class NotebookFile:
    """One submitted notebook: on disk (path) or from a zip (data)."""
    name: str                 # the course's notebook name it stands for, e.g. "conv_backward.ipynb"
    origin: str               # where it came from, for messages: a path, or "lms.zip:member"
    path: Path = None
    data: bytes = None
    timestamp: datetime = None
    attempt: object = None    # the LMS's order of attempts (later is greater), else None
    late: bool = None         # the LMS's late marker, None when it has none
    exact: bool = True        # its own name was the notebook's (not a renamed or suffixed copy)

    def read_bytes(self):
        return self.data if self.data is not None else Path(self.path).read_bytes()


@dataclass
class Submission:
    """One student's submission of one assignment.

    - notebooks: {notebook name without .ipynb: NotebookFile}, the exercises' notebooks
    - extra: other notebooks found in it (a renamed copy may stand in for a missing one)
    - timestamp: when it was submitted (the newest graded copy's time), or None
    - late: the LMS's late marker on a graded copy (Canvas), None when the LMS has none
    - lms: what the LMS says of the student ({"format": "canvas", "name": ..., "user_id": ...}), or None
    - notes: remarks for the instructor (older attempts skipped, conflicts, ...)
    """
    student: str
    assignment: str
    notebooks: dict = field(default_factory=dict)
    extra: list = field(default_factory=list)
    timestamp: datetime = None
    late: bool = None
    lms: dict = None
    notes: list = field(default_factory=list)

    @property
    def key(self):
        return (self.student, self.assignment)


class SubmissionError(ValueError):
    """A path that cannot be read as submissions at all (the grader cannot run on it)."""


def _order(notebook):
    """Sort key of copies of one notebook: timed after untimed, later time or attempt after earlier, the exact
    name after a renamed copy."""
    timed = notebook.timestamp is not None
    return (timed, notebook.timestamp or datetime.min, notebook.attempt is not None,
            notebook.attempt if notebook.attempt is not None else 0, notebook.exact)


class _Collector:
    def __init__(self):
        self.submissions = {}
        self.warnings = []

    def add(self, student, assignment, notebook, lms=None):
        """File ``notebook`` under (student, assignment)."""
        sub = self.submissions.get((student, assignment))
        if sub is None:
            sub = self.submissions[(student, assignment)] = Submission(student, assignment)
        if lms:
            if sub.lms and {k: v for k, v in sub.lms.items() if k in ("format", "name")} != \
                    {k: v for k, v in lms.items() if k in ("format", "name")}:
                message = (f"CONFLICT {notebook.origin}: the LMS names student {student!r} {lms.get('name')!r} here "
                           f"and {sub.lms.get('name')!r} elsewhere; both files are kept under {student!r}")
                self.warnings.append(message)
                sub.notes.append(message)
            sub.lms = {**lms, **(sub.lms or {})}
        stem = notebook.name[:-len(".ipynb")] if notebook.name.endswith(".ipynb") else notebook.name
        if stem not in notebook_assignments():
            sub.extra.append(notebook)
            return
        old = sub.notebooks.get(stem)
        if old is not None:
            try:
                newer = _order(notebook) >= _order(old)
                tie = _order(notebook) == _order(old)
            except TypeError:  # attempts of different kinds: keep the file listed last
                newer, tie = True, True
            keep, drop = (notebook, old) if newer else (old, notebook)
            if tie:
                message = (f"CONFLICT: two copies of {notebook.name} for {student!r} that cannot be ordered "
                           f"(same time and attempt): graded {keep.origin}, not {drop.origin}; check both")
                self.warnings.append(message)
            else:
                message = _("two copies of {notebook}: graded the newer, {kept}; skipped {dropped}").format(
                    notebook=notebook.name, kept=keep.origin, dropped=drop.origin)
            sub.notes.append(message)
            notebook = keep
        sub.notebooks[stem] = notebook

    def finish(self):
        """Each submission's time and late flag: those of the copies it grades."""
        for sub in self.submissions.values():
            times = [nb.timestamp for nb in sub.notebooks.values() if nb.timestamp is not None]
            sub.timestamp = max(times) if times else None
            marks = [nb.late for nb in sub.notebooks.values() if nb.late is not None]
            sub.late = any(marks) if marks else None
            if sub.lms is not None:
                sub.lms["late"] = sub.late
        return sorted(self.submissions.values(), key=lambda s: s.key)


def _read_timestamp(folder, warnings):
    path = Path(folder) / "timestamp.txt"
    try:
        if not path.is_file():
            return None
        with open(path, "rb") as f:
            text = f.read(MAX_TIMESTAMP_FILE_BYTES).decode("utf-8", errors="replace")
    except OSError as exc:
        warnings.append(f"{path}: cannot be read ({exc.strerror or exc}); graded without a time")
        return None
    when, problem = parse_timestamp(text)
    if problem:
        warnings.append(f"{path}: the time cannot be read ({problem}); graded without a time")
    return when


# ---------------------------------------------------------------- folders and notebooks

def _is_hidden(path):
    return any(part.startswith(".") for part in path.parts)


def _from_folder(root, collector, course_dir, lms):
    known = set(notebook_assignments().values())
    found = False
    stamps = {}
    unzipped = []  # an LMS download unzipped into this folder: read as the zip would be
    lms_formats = {name: module for name, module in formats().items() if name != "nbgrader"}
    for path in sorted(root.rglob("*.ipynb")):
        rel = path.relative_to(root)
        if _is_hidden(rel) or not path.is_file():
            continue  # .ipynb_checkpoints and the like
        found = True
        parts = rel.parts
        if len(parts) <= 2 and parts[0] not in known and (
                lms in lms_formats and lms_formats[lms].recognises(rel.as_posix())
                or lms is None and any(m.recognises(rel.as_posix()) for m in lms_formats.values())):
            unzipped.append(rel)
            continue
        if len(parts) >= 3:
            student, assignment = parts[-3], parts[-2]
        elif len(parts) == 2 and parts[0] in known:
            student, assignment = root.name, parts[0]  # one student's folder
        elif len(parts) == 2:
            student, assignment = parts[0], notebook_assignments().get(path.stem, default_assignment())
        else:
            _from_notebook(path, collector, course_dir, lms)
            continue
        if path.parent not in stamps:
            stamps[path.parent] = _read_timestamp(path.parent, collector.warnings)
        when = stamps[path.parent]
        name = notebook_name(path.name)
        collector.add(student, assignment, NotebookFile(name, str(path), path=path, timestamp=when,
                                                       attempt=None, exact=name == path.name))
    if unzipped:
        _from_unzipped(root, unzipped, collector, course_dir, lms)
    if not found:
        collector.warnings.append(f"{root}: no notebooks (*.ipynb) found")


def _from_unzipped(root, notebooks, collector, course_dir, lms):
    """Notebooks named as an LMS names them, in a folder (its download unzipped): read as in the zip, with the
    attempts' .txt files beside them (Blackboard)."""
    from graders.engine.lms.blackboard import MAX_INFO_CHARS
    from graders.engine.zipread import Member
    members = [Member(rel.as_posix(), b"", None) for rel in notebooks]
    for path in sorted(root.glob("*.txt")):
        try:
            with open(path, "rb") as f:
                members.append(Member(path.name, f.read(MAX_INFO_CHARS), None))
        except OSError:
            continue
    for claim, fmt, member in _claims_of(members, course_dir, lms, collector.warnings):
        _add_claim(collector, claim, fmt, str(root / member.name), path=root / member.name)


def _from_notebook(path, collector, course_dir, lms):
    by_notebook = notebook_assignments()
    known = set(by_notebook.values())
    parent = path.parent
    if parent.name in known:
        student, assignment, name = parent.parent.name or "student", parent.name, path.name
    elif path.stem in by_notebook:
        student, assignment, name = parent.name or "student", by_notebook[path.stem], path.name
    else:
        from graders.engine.zipread import Member
        member = Member(path.name, b"", None)
        claimed = _claims_of([member], course_dir, lms, collector.warnings, quiet=True)
        if claimed:
            claim, fmt = claimed[0]
            _add_claim(collector, claim, fmt, str(path), path=path)
            return
        student, name = path.stem, path.name
        assignment = by_notebook.get(name[:-len(".ipynb")], default_assignment())
    when = _read_timestamp(parent, collector.warnings)
    collector.add(student, assignment, NotebookFile(name, str(path), path=path, timestamp=when))


# ---------------------------------------------------------------- LMS downloads

def _claims_of(members, course_dir, lms, warnings, quiet=False):
    """[(Claim, format name, member)] of the members, read in the LMS's format (``lms``, or detected); members
    laid out as nbgrader's submitted/ folder are read so too."""
    fmts = formats()
    names = [m.name for m in members if m.name.endswith(".ipynb")]
    try:
        chosen = lms or detect(names, course_dir)
        primary = fmts[chosen]
        layout = fmts["nbgrader"].in_layout
        nbgrader_own = [] if chosen == "nbgrader" else [
            m for m in members if (m.name.endswith(".ipynb") and not primary.recognises(m.name, course_dir)
                                   and layout(m.name)) or PurePosixPath(m.name).name == "timestamp.txt"]
        taken = {id(m) for m in nbgrader_own}
        local = []
        found = [(claim, chosen, member)
                 for claim, member in primary.claims([m for m in members if id(m) not in taken], course_dir, local)]
        if nbgrader_own:
            found += [(claim, "nbgrader", member)
                      for claim, member in fmts["nbgrader"].claims(nbgrader_own, course_dir, local)]
    except PatternError as exc:
        raise SubmissionError(str(exc)) from None
    if not quiet:
        warnings.extend(local)
    for claim, _format, member in found:
        if claim.problem:
            warnings.append(claim.problem)
    return [(claim, fmt) for claim, fmt, member in found] if quiet else found


def _add_claim(collector, claim, fmt, origin, path=None, data=None):
    name = notebook_name(claim.file_name)
    assignment = claim.assignment or notebook_assignments().get(name[:-len(".ipynb")], default_assignment())
    lms = {"format": fmt, **claim.info} if fmt != "nbgrader" else None
    exact = PurePosixPath(claim.file_name).name == name
    notebook = NotebookFile(name, origin, path=path, data=data, timestamp=claim.timestamp, attempt=claim.attempt,
                            late=claim.late, exact=exact)
    collector.add(claim.student, assignment, notebook, lms)
    if claim.problem:
        collector.submissions[(claim.student, assignment)].notes.append(claim.problem)


def _wanted(name):
    lower = name.lower()
    return lower.endswith(".ipynb") or lower.endswith(".txt")


def _from_zip(path, collector, course_dir, lms, limits):
    try:
        members = list(read_zip(path, _wanted, collector.warnings, limits))
    except ZipReadError as exc:
        raise SubmissionError(str(exc)) from None
    if not any(m.name.endswith(".ipynb") for m in members):
        collector.warnings.append(f"{path}: no notebooks (*.ipynb) found in it")
    for claim, fmt, member in _claims_of(members, course_dir, lms, collector.warnings):
        _add_claim(collector, claim, fmt, f"{path}:{member.name}", data=member.data)


# ---------------------------------------------------------------- all together

def find_submissions(paths, course_dir, lms=None, zip_limits=ZipLimits()):
    """Every submission under ``paths`` (folders, notebooks, zips).

    - lms: "canvas", "moodle", "blackboard" or "nbgrader" to read zips in that format; None detects it
      from each zip's names

    Returns (submissions sorted by student and assignment, warnings). Raises SubmissionError
    when a path does not exist or is not one of those kinds.
    """
    if lms is not None and lms not in LMS_NAMES:
        raise SubmissionError(f"--lms {lms!r}: not one of {', '.join(LMS_NAMES)}")
    collector = _Collector()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise SubmissionError(f"{path} does not exist")
        if path.is_dir():
            _from_folder(path, collector, course_dir, lms)
        elif path.suffix.lower() == ".zip":
            _from_zip(path, collector, course_dir, lms, zip_limits)
        elif path.is_file():
            _from_notebook(path, collector, course_dir, lms)
        else:
            raise SubmissionError(f"{path} is neither a folder, a notebook nor a zip")
    return collector.finish(), collector.warnings
