"""LMS download formats: who submitted each file, read from the LMS's own structure.

One module per LMS, each with one job: read its download's names (``claims``), and write what goes back
(``write_gradebook``: a CSV its gradebook imports; ``write_feedback_bundle``: feedback it takes in one
upload, where it allows one).

| format | a file in the download | the student is | attempts |
|---|---|---|---|
| canvas | ``smithbob[_late]_340934_208490284_conv_backward-1.ipynb`` | the Canvas user id (340934) | the latest submission only; ``-1`` resubmission suffixes |
| moodle | ``Bob Smith_1234567_assignsubmission_file_/conv_backward.ipynb`` (folders) or ``..._file_conv_backward.ipynb`` | the participant id (1234567) | the latest attempt only |
| blackboard | ``HW 1_bsmith_attempt_2024-03-01-10-00-00_conv_backward.ipynb`` + the attempt's ``.txt`` | the username (bsmith) | every attempt; the latest is graded |
| nbgrader | ``<student>/<assignment>/<notebook>.ipynb`` (+ ``timestamp.txt``), or the course's ``FileNameCollectorPlugin.named_regexp`` | the folder / the regexp's ``student_id`` | the newest copy of each notebook |

Identity is read anchored, from the part of the name the LMS writes: the first ``_<id>_<id>_`` (Canvas), the
folder name's end or the first ``_<id>_assignsubmission_`` (Moodle), the first ``_attempt_<time>`` (Blackboard);
what a student chose (their file's name) comes after it and can never change whose file it is.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime

from graders.exercises import active_course


@dataclass
class Claim:
    """What the LMS's structure says about one file of its download.

    - student: the id grades are filed under (Canvas user id, Moodle participant id, Blackboard username,
      nbgrader student)
    - file_name: the file's name as the student uploaded it
    - attempt: a sortable key of the attempt the file belongs to (later is greater), or None
    - timestamp: when it was submitted (naive), or None
    - late: the LMS's own late marker (Canvas ``_late_``), None when the LMS has none
    - assignment: the assignment when the structure says (nbgrader layout), else None
    - info: what else the LMS says ({"name": "Bob Smith", "user_id": ..., ...}), for its gradebook CSV
    - problem: a remark about this name for the instructor (ambiguous), or None
    """
    student: str
    file_name: str
    attempt: object = None
    timestamp: datetime = None
    late: bool = None
    assignment: str = None
    info: dict = field(default_factory=dict)
    problem: str = None


def known_notebooks():
    """{notebook name without .ipynb: assignment id} of every exercise and project of the active course."""
    course = active_course()
    found = {}
    for assignment in course.assignments:
        for notebook in course.notebooks(assignment):
            found.setdefault(notebook, assignment)
    return found


def default_assignment():
    """The assignment of a notebook no exercise names: the course's first."""
    return next(iter(active_course().assignments))


_RESUBMISSION = re.compile(r"-\d{1,4}")  # Canvas renames a resubmitted file.ipynb to file-1.ipynb, file-2.ipynb


def notebook_name(file_name):
    """The course notebook a submitted file stands for: ``conv_backward-1.ipynb`` (Canvas's resubmission
    suffix) and ``x_conv_backward.ipynb`` (a known name at the end, after a separator) are conv_backward.ipynb;
    anything else keeps its own name (and is looked at only to stand in for a missing notebook)."""
    base = file_name.rsplit("/", 1)[-1]
    stem = base[:-len(".ipynb")] if base.endswith(".ipynb") else base.rsplit(".", 1)[0] if "." in base else base
    known = known_notebooks()
    if stem in known:
        return stem + ".ipynb"
    trimmed = stem
    suffix = _RESUBMISSION.search(stem)
    if suffix and suffix.end() == len(stem) and stem[:suffix.start()] in known:
        return stem[:suffix.start()] + ".ipynb"
    for name in known:
        if trimmed.endswith(name) and not trimmed[-len(name) - 1].isalnum():
            return name + ".ipynb"
    return stem + ".ipynb"


def formats():
    """{name: module} of every LMS format, in the order auto-detection tries them."""
    from graders.engine.lms import blackboard, canvas, moodle, nbgrader
    return {"canvas": canvas, "moodle": moodle, "blackboard": blackboard, "nbgrader": nbgrader}


LMS_NAMES = ("canvas", "moodle", "blackboard", "nbgrader")


def detect(names, course_dir):
    """The format most of ``names`` (the notebooks' paths in a download) are written in; "nbgrader" when none."""
    best, best_count = "nbgrader", 0
    for name, module in formats().items():
        count = sum(1 for n in names if module.recognises(n, course_dir))
        if count > best_count:
            best, best_count = name, count
    return best
