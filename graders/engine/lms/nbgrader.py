"""nbgrader's own layouts: a zipped ``submitted/`` folder, or an LMS naming given by the course's
``c.FileNameCollectorPlugin.named_regexp`` (nbgrader_config.py), as ``nbgrader zip_collect`` reads it.

- ``[...]/<student>/<assignment>/<notebook>.ipynb``, with nbgrader's ``timestamp.txt`` beside the notebooks;
- a name the course's ``named_regexp`` matches: its groups ``student_id`` and ``file_id`` (and ``timestamp``)
  say whose and which file it is. That pattern is the instructor's: when it reads two different students from
  one name (a greedy ``.*`` lets a file called ``x_bob_attempt_..._conv_backward.ipynb`` claim to be bob's),
  the file is graded for nobody and the conflict is reported; set ``--lms`` to your LMS instead.

Of two copies of a notebook, the newer timestamp wins, as in ``zip_collect``.
"""
import re
from pathlib import Path, PurePosixPath

from graders.engine.lms import Claim, known_notebooks
from graders.engine.timestamps import parse_lms_time, parse_timestamp

NAME = "nbgrader"


class PatternError(ValueError):
    """The course's named_regexp cannot be used."""


def load_named_regexp(course_dir):
    """The course's FileNameCollectorPlugin.named_regexp (nbgrader_config.py), or None.

    A plain string assignment (``c.FileNameCollectorPlugin.named_regexp = r"..."``, as nbgrader's
    documentation writes it) is read without running the file; anything cleverer is evaluated by
    traitlets, as nbgrader would (which imports what the file imports: seconds).
    """
    import ast
    config_file = Path(course_dir) / "nbgrader_config.py"
    if not config_file.is_file():
        return None
    try:
        tree = ast.parse(config_file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    mentioned = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(ast.unparse(t).endswith("FileNameCollectorPlugin.named_regexp")
                                                for t in node.targets):
            mentioned = True
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                break
            return value if isinstance(value, str) and value else None
    if not mentioned:
        return None
    from traitlets.config.loader import PyFileConfigLoader
    try:
        config = PyFileConfigLoader(config_file.name, str(config_file.parent)).load_config()
        value = config.FileNameCollectorPlugin.get("named_regexp")
    except Exception:
        value = None
    return value if isinstance(value, str) and value else None


_COMPILED = {}


def named_regexp(course_dir):
    """The compiled course pattern, or None; PatternError when it is unusable."""
    key = str(course_dir)
    if key not in _COMPILED:
        pattern = load_named_regexp(course_dir) if course_dir is not None else None
        regexp = None
        if pattern is not None:
            try:
                regexp = re.compile(pattern)
            except re.error as exc:
                raise PatternError(f"FileNameCollectorPlugin.named_regexp {pattern!r} is not a valid regular "
                                   f"expression: {exc}") from None
            missing = {"student_id", "file_id"} - set(regexp.groupindex)
            if missing:
                raise PatternError(f"FileNameCollectorPlugin.named_regexp {pattern!r} must have the named groups "
                                   f"student_id and file_id (missing: {', '.join(sorted(missing))})")
        _COMPILED[key] = regexp
    return _COMPILED[key]


def _layout(name):
    """(student, assignment, file) of ``[...]/<student>/<assignment>/<file>``, or None."""
    parts = PurePosixPath(name).parts
    if len(parts) >= 3 and parts[-2] in set(known_notebooks().values()):
        return parts[-3], parts[-2], parts[-1]
    return None


def in_layout(name):
    """Whether ``name`` is laid out as nbgrader's submitted/ folder."""
    return _layout(name) is not None


def _students_in(regexp, name):
    """Every student id the pattern reads from ``name``, from a head of it (cut before a separator) or from a
    tail of it (starting after one): more than one means the name can claim to be someone else's, whichever
    reading a greedy or a lazy pattern happens to prefer."""
    found = []
    cuts = [i for i, ch in enumerate(name) if ch in "_/."][:200]
    pieces = [name] + [name[:i] for i in cuts] + [name[i + 1:] for i in cuts]
    for piece in pieces:
        match = regexp.match(piece)
        if match and match.group("student_id") and match.group("student_id") not in found:
            found.append(match.group("student_id"))
    return found


def recognises(name, course_dir=None):
    if _layout(name) is not None:
        return True
    try:
        regexp = named_regexp(course_dir) if course_dir is not None else None
    except PatternError:
        return False
    return regexp is not None and regexp.match(name) is not None


def claims(members, course_dir, warnings):
    stamps = {}
    for member in members:
        if PurePosixPath(member.name).name == "timestamp.txt":
            when, problem = parse_timestamp(member.data[:1000].decode("utf-8", "replace"))
            if problem:
                warnings.append(f"{member.name}: the time cannot be read ({problem}); graded as the earliest copy")
            stamps[str(PurePosixPath(member.name).parent)] = when
    regexp = named_regexp(course_dir)
    found = []
    for member in members:
        if not member.name.endswith(".ipynb"):
            continue
        layout = _layout(member.name)
        if layout is not None:
            student, assignment, file_name = layout
            when = stamps.get(str(PurePosixPath(member.name).parent))
            found.append((Claim(student=student, file_name=file_name, assignment=assignment, timestamp=when,
                                attempt=(when is not None, when)), member))
            continue
        match = regexp.match(member.name) if regexp is not None else None
        if match is None:
            warnings.append(f"{member.name}: skipped, laid out neither as nbgrader's submitted/ folder "
                            f"(<student>/<assignment>/<notebook>.ipynb) nor named as the course's "
                            f"FileNameCollectorPlugin.named_regexp reads; for an LMS download, give --lms")
            continue
        students = _students_in(regexp, member.name)
        if len(students) > 1:
            warnings.append(f"CONFLICT {member.name}: the course's named_regexp reads it as the file of "
                            f"{', '.join(repr(s) for s in students)}; graded for none of them (the name is the "
                            f"student's choice). Use --lms for your LMS's anchored naming.")
            continue
        when = None
        stamp = match.groupdict().get("timestamp")
        if stamp:
            when, problem = parse_lms_time(stamp)
            if when is None:
                when, problem2 = parse_timestamp(stamp)
                if when is None:
                    warnings.append(f"{member.name}: its time cannot be read ({problem}); graded as the earliest copy")
        found.append((Claim(student=match.group("student_id"), file_name=match.group("file_id"), timestamp=when,
                            attempt=(when is not None, when)), member))
    return found


def write_gradebook(path, results, write_text):
    from graders.engine.results import csv_text
    write_text(path, csv_text(results))


def write_feedback_bundle(path, results, report):
    raise NotImplementedError("nbgrader returns feedback itself: run `nbgrader generate_feedback` and "
                              "`nbgrader release_feedback`, or hand out feedback/<student>/<assignment>.txt")
