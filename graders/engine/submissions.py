"""Find the submissions to grade: an nbgrader ``submitted/`` folder, single notebooks, or LMS zips.

    submissions, warnings = find_submissions(["submitted/"], course_dir)

A submission is one student's assignment: the notebooks of the exercises (``conv_backward.ipynb``,
``maxpool_backward.ipynb``), any of which may be missing.

- Folders use nbgrader's layout, ``<student>/<assignment>/<notebook>.ipynb`` (the folder passed may
  also be a single student's, ``<assignment>/<notebook>.ipynb``). nbgrader's ``timestamp.txt`` is read.
- A notebook passed alone belongs to the student named by its folders (``.../alice/<assignment>/x.ipynb``
  or ``.../alice/x.ipynb``), else by the LMS file name pattern, else by its file name.
- Zips are LMS downloads as ``nbgrader zip_collect`` reads them: every ``.ipynb`` (also inside nested
  zips) whose path matches the course's ``FileNameCollectorPlugin.named_regexp`` (nbgrader_config.py;
  default: the example of nbgrader's documentation, ``<anything>_<student>_attempt_<timestamp>_<file>``),
  whose groups ``student_id`` and ``file_id`` (and ``timestamp``) say whose and which notebook it is.
  Files inside the zip laid out like ``submitted/`` (``<student>/<assignment>/<notebook>.ipynb``) are
  taken too. Nothing is extracted to disk.
"""
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from graders.exercises import active_course

# nbgrader's documentation's example (managing_assignment_files_manually); the plugin itself has none.
DEFAULT_NAMED_REGEXP = r".*_(?P<student_id>\w+)_attempt_(?P<timestamp>[0-9\-]+)_(?P<file_id>.*)"
MAX_ZIP_MEMBER_BYTES = 50 << 20
MAX_ZIP_TOTAL_BYTES = 4 << 30
MAX_ZIP_DEPTH = 3


def notebook_assignments():
    """{notebook name without .ipynb: assignment id} of every exercise of the active course."""
    found = {}
    for exercise in active_course().all_exercises():
        found.setdefault(exercise.notebook, exercise.assignment)
    return found


def default_assignment():
    """The assignment of a notebook no exercise names: the course's first."""
    return next(iter(active_course().assignments))


@dataclass
class NotebookFile:
    """One submitted notebook: on disk (path) or from a zip (data)."""
    name: str                 # its file name, e.g. "conv_backward.ipynb"
    origin: str               # where it came from, for messages: a path, or "lms.zip:member"
    path: Path = None
    data: bytes = None
    timestamp: datetime = None

    def read_bytes(self):
        return self.data if self.data is not None else Path(self.path).read_bytes()


@dataclass
class Submission:
    """One student's submission of one assignment.

    - notebooks: {notebook name without .ipynb: NotebookFile}, the exercises' notebooks
    - extra: other notebooks found in it (a renamed copy may stand in for a missing one)
    - timestamp: when it was submitted (nbgrader's timestamp.txt, or the LMS file name)
    - notes: remarks for the instructor (duplicates dropped, ...)
    """
    student: str
    assignment: str
    notebooks: dict = field(default_factory=dict)
    extra: list = field(default_factory=list)
    timestamp: datetime = None
    notes: list = field(default_factory=list)

    @property
    def key(self):
        return (self.student, self.assignment)


class SubmissionError(ValueError):
    """A path that cannot be read as submissions at all (the grader cannot run on it)."""


class _Collector:
    def __init__(self):
        self.submissions = {}
        self.warnings = []

    def add(self, student, assignment, notebook):
        """File ``notebook`` under (student, assignment)."""
        sub = self.submissions.get((student, assignment))
        if sub is None:
            sub = self.submissions[(student, assignment)] = Submission(student, assignment)
        stem = notebook.name[:-len(".ipynb")] if notebook.name.endswith(".ipynb") else notebook.name
        if stem not in notebook_assignments():
            sub.extra.append(notebook)
            return
        old = sub.notebooks.get(stem)
        if old is not None:
            # nbgrader zip_collect's rule: a copy with a newer timestamp replaces the one before.
            newer = notebook.timestamp is not None and (old.timestamp is None or notebook.timestamp >= old.timestamp)
            keep, drop = (notebook, old) if newer else (old, notebook)
            sub.notes.append(f"two copies of {notebook.name}: graded {keep.origin}, skipped {drop.origin}")
            notebook = keep
        sub.notebooks[stem] = notebook
        if notebook.timestamp is not None and (sub.timestamp is None or notebook.timestamp > sub.timestamp):
            sub.timestamp = notebook.timestamp


def _parse_time(text):
    """A timestamp as nbgrader reads one (nbgrader.utils.parse_utc: "<date> <time> [<zone>]", naive UTC),
    or None. (Importing nbgrader itself would cost seconds of start-up.)"""
    import dateutil.parser
    import dateutil.tz
    if not text or not text.strip():
        return None
    text = text.strip()
    try:
        parts = text.split(" ")
        if len(parts) == 3:
            zone = parts[2]
            try:
                zone = int(zone)
            except ValueError:
                zone = dateutil.tz.gettz(zone)
            value = dateutil.parser.parse(" ".join(parts[:2] + ["TZ"]), tzinfos={"TZ": zone})
        else:
            value = dateutil.parser.parse(text)
    except (ValueError, OverflowError, TypeError):
        return None
    if value.tzinfo is not None:
        value = (value - value.utcoffset()).replace(tzinfo=None)
    return value


def _read_timestamp(folder):
    path = Path(folder) / "timestamp.txt"
    try:
        return _parse_time(path.read_text(encoding="utf-8", errors="replace")) if path.is_file() else None
    except OSError:
        return None


def load_named_regexp(course_dir):
    """The course's FileNameCollectorPlugin.named_regexp (nbgrader_config.py), else the default.

    A plain string assignment (``c.FileNameCollectorPlugin.named_regexp = r"..."``, as nbgrader's
    documentation writes it) is read without running the file; anything cleverer is evaluated by
    traitlets, as nbgrader would (which imports what the file imports: seconds).
    """
    import ast
    config_file = Path(course_dir) / "nbgrader_config.py"
    if not config_file.is_file():
        return DEFAULT_NAMED_REGEXP
    try:
        tree = ast.parse(config_file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return DEFAULT_NAMED_REGEXP
    mentioned = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(ast.unparse(t).endswith("FileNameCollectorPlugin.named_regexp")
                                                for t in node.targets):
            mentioned = True
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                break
            return value if isinstance(value, str) and value else DEFAULT_NAMED_REGEXP
    if not mentioned:
        return DEFAULT_NAMED_REGEXP
    from traitlets.config.loader import PyFileConfigLoader
    try:
        config = PyFileConfigLoader(config_file.name, str(config_file.parent)).load_config()
        value = config.FileNameCollectorPlugin.get("named_regexp")
    except Exception:
        value = None
    return value if isinstance(value, str) and value else DEFAULT_NAMED_REGEXP


def _compile_regexp(pattern):
    try:
        regexp = re.compile(pattern)
    except re.error as exc:
        raise SubmissionError(f"FileNameCollectorPlugin.named_regexp {pattern!r} is not a valid regular "
                              f"expression: {exc}") from None
    missing = {"student_id", "file_id"} - set(regexp.groupindex)
    if missing:
        raise SubmissionError(f"FileNameCollectorPlugin.named_regexp {pattern!r} must have the named groups "
                              f"student_id and file_id (missing: {', '.join(sorted(missing))})")
    return regexp


# ---------------------------------------------------------------- folders and notebooks

def _is_hidden(path):
    return any(part.startswith(".") for part in path.parts)


def _from_folder(root, collector, regexp):
    known = set(notebook_assignments().values())
    found = False
    for path in sorted(root.rglob("*.ipynb")):
        rel = path.relative_to(root)
        if _is_hidden(rel) or not path.is_file():
            continue  # .ipynb_checkpoints and the like
        found = True
        parts = rel.parts
        if len(parts) >= 3:
            student, assignment = parts[-3], parts[-2]
        elif len(parts) == 2 and parts[0] in known:
            student, assignment = root.name, parts[0]  # one student's folder
        elif len(parts) == 2:
            student, assignment = parts[0], notebook_assignments().get(path.stem, default_assignment())
        else:
            _from_notebook(path, collector, regexp)
            continue
        collector.add(student, assignment, NotebookFile(path.name, str(path), path=path,
                                                       timestamp=_read_timestamp(path.parent)))
    if not found:
        collector.warnings.append(f"{root}: no notebooks (*.ipynb) found")


def _from_notebook(path, collector, regexp):
    by_notebook = notebook_assignments()
    known = set(by_notebook.values())
    parent = path.parent
    timestamp = _read_timestamp(parent)
    if parent.name in known:
        student, assignment, name = parent.parent.name or "student", parent.name, path.name
    elif path.stem in by_notebook:
        student, assignment, name = parent.name or "student", by_notebook[path.stem], path.name
    else:
        match = regexp().match(str(path))
        if match:
            student = match.group("student_id")
            name = _notebook_name(match.group("file_id"))
            timestamp = _parse_time(match.groupdict().get("timestamp")) or timestamp
        else:
            student, name = path.stem, path.name
        assignment = by_notebook.get(name[:-len(".ipynb")], default_assignment())
    collector.add(student, assignment, NotebookFile(name, str(path), path=path, timestamp=timestamp))


def _notebook_name(file_id):
    """nbgrader's rule: the file_id's stem + .ipynb; a known notebook name at its end wins."""
    stem = PurePosixPath(file_id).name
    stem = stem[:-len(".ipynb")] if stem.endswith(".ipynb") else stem.rsplit(".", 1)[0] if "." in stem else stem
    for known in notebook_assignments():
        if stem != known and stem.endswith(known) and not stem[-len(known) - 1].isalnum():
            return known + ".ipynb"
    return stem + ".ipynb"


# ---------------------------------------------------------------- zips

def _from_zip(data, origin, collector, regexp, depth=0, budget=None):
    budget = budget if budget is not None else [MAX_ZIP_TOTAL_BYTES]
    regexp = regexp()
    known = set(notebook_assignments().values())
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"{origin} is not a readable zip file: {exc}") from None
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            member = PurePosixPath(info.filename)
            where = f"{origin}:{info.filename}"
            if any(part.startswith(".") or part == "__MACOSX" for part in member.parts):
                continue
            is_zip = member.suffix.lower() == ".zip"
            if member.suffix != ".ipynb" and not is_zip:
                continue
            if info.file_size > (MAX_ZIP_MEMBER_BYTES if not is_zip else MAX_ZIP_TOTAL_BYTES) \
                    or info.file_size > budget[0]:
                collector.warnings.append(f"{where}: skipped, too large ({info.file_size:,} bytes)")
                continue
            budget[0] -= info.file_size
            try:
                content = archive.read(info)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                collector.warnings.append(f"{where}: skipped, cannot be read from the zip ({exc})")
                continue
            if is_zip:
                if depth >= MAX_ZIP_DEPTH:
                    collector.warnings.append(f"{where}: skipped, zips nested too deep")
                    continue
                try:
                    _from_zip(content, where, collector, lambda: regexp, depth + 1, budget)
                except SubmissionError as exc:
                    collector.warnings.append(str(exc))
                continue
            match = regexp.match(info.filename)
            if match:
                timestamp = _parse_time(match.groupdict().get("timestamp"))
                name = _notebook_name(match.group("file_id"))
                assignment = notebook_assignments().get(name[:-len(".ipynb")], default_assignment())
                collector.add(match.group("student_id"), assignment,
                              NotebookFile(name, where, data=content, timestamp=timestamp))
            elif len(member.parts) >= 3 and member.parts[-2] in known:
                collector.add(member.parts[-3], member.parts[-2], NotebookFile(member.name, where, data=content))
            else:
                collector.warnings.append(
                    f"{where}: skipped, its name does not match the LMS pattern {regexp.pattern!r} "
                    f"(FileNameCollectorPlugin.named_regexp in nbgrader_config.py)")


# ---------------------------------------------------------------- all together

def find_submissions(paths, course_dir):
    """Every submission under ``paths`` (folders, notebooks, zips).

    Returns (submissions sorted by student and assignment, warnings). Raises SubmissionError
    when a path does not exist or is not one of those kinds.
    """
    collector = _Collector()
    compiled = []

    def regexp():  # read the course's pattern only when a file name needs it
        if not compiled:
            compiled.append(_compile_regexp(load_named_regexp(course_dir)))
        return compiled[0]

    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise SubmissionError(f"{path} does not exist")
        if path.is_dir():
            _from_folder(path, collector, regexp)
        elif path.suffix.lower() == ".zip":
            with open(path, "rb") as f:
                _from_zip(f, str(path), collector, regexp)
        elif path.suffix == ".ipynb" or path.is_file():
            _from_notebook(path, collector, regexp)
        else:
            raise SubmissionError(f"{path} is neither a folder, a notebook nor a zip")
    submissions = sorted(collector.submissions.values(), key=lambda s: s.key)
    return submissions, collector.warnings
