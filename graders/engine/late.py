"""Late submissions, penalised as ``nbgrader autograde`` penalises them.

nbgrader's rule (``nbgrader.preprocessors.AssignLatePenalties``), which this module applies to the
engine's grades so that both tools give the same numbers in ``nbgrader export``:

- a submission is late by ``max(0, timestamp - (due date + extension))`` seconds: the timestamp is
  the submission's ``timestamp.txt`` (or the LMS's), the due date and any extension come from the
  gradebook (``nbgrader db assignment add --duedate``, the formgrader, ``Gradebook.grant_extension``);
- for each notebook of a late submission, the course's plugin (``c.AssignLatePenalties.plugin_class``,
  nbgrader's ``LateSubmissionPlugin`` by default, with ``c.LateSubmissionPlugin.penalty_method``) is
  asked for ``late_submission_penalty(student, notebook score, seconds late)``; the answer is clipped
  to [0, notebook score] and stored as the notebook's ``late_submission_penalty``;
- a submission's score is then its raw score minus the sum of its notebooks' penalties.

An LMS that only marks a submission late (Canvas's ``_LATE_``), with no timestamp or no due date to
measure by, counts as one second late (``LMS_LATE_SECONDS``): 'zero' then applies in full, and a
plugin charging by the hour charges its first hour.

    plugin = late_plugin(course_dir)                       # from the course's nbgrader_config.py
    penalty = notebook_penalty(plugin, "alice", 7.5, 3600.0)
"""
import datetime
import logging
from pathlib import Path

from graders.i18n import _, ngettext

LMS_LATE_SECONDS = 1.0
CONFIG_FILE = "nbgrader_config.py"


def course_config(course_dir):
    """The traitlets Config of the course's nbgrader_config.py (empty when there is none), loaded as
    nbgrader loads it when run in the course folder."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(course_dir) / CONFIG_FILE
    if not path.is_file():
        return Config()
    return PyFileConfigLoader(CONFIG_FILE, path=str(path.parent)).load_config()


def late_plugin(course_dir):
    """The late-submission plugin nbgrader autograde would use in this course (an instance)."""
    from nbgrader.preprocessors import AssignLatePenalties

    assigner = AssignLatePenalties(config=course_config(course_dir))
    assigner.log.setLevel(logging.ERROR)  # its plugin logs every call at info level
    assigner.init_plugin()
    assigner.plugin_inst.log.setLevel(logging.ERROR)
    return assigner.plugin_inst


def notebook_penalty(plugin, student, score, seconds_late):
    """One notebook's penalty, or None (no penalty), as AssignLatePenalties computes and clips it."""
    if not seconds_late or seconds_late <= 0:
        return None
    penalty = plugin.late_submission_penalty(student, score, seconds_late)
    if penalty is None:
        return None
    return float(min(max(penalty, 0.0), score))


def seconds_late(timestamp, duedate, extension=None, lms_late=False):
    """Seconds after the (extended) due date; LMS_LATE_SECONDS when only the LMS says late; else 0."""
    if timestamp is not None and duedate is not None:
        due = duedate + (extension or datetime.timedelta(0))
        return max(0.0, (timestamp - due).total_seconds())
    return LMS_LATE_SECONDS if lms_late else 0.0


def describe(seconds):
    """'2 days 3 h 5 min' for a number of seconds (at least '1 min' when late at all)."""
    minutes = max(1, int(round(seconds / 60)))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("{count} day", "{count} days", days).format(count=days))
    if hours:
        parts.append(_("{count} h").format(count=hours))
    if minutes:
        parts.append(_("{count} min").format(count=minutes))
    return " ".join(parts)


def record(result, raw_score, penalty, seconds, duedate=None, plugin=None):
    """Put the late fields into a result entry (the --json file's extra keys), as nbgrader export names them:

    - raw_score: the score before the penalty (the autograded methods'); late_submission_penalty: the
      points taken off (of each notebook's score, manual grades included, when the gradebook has them);
      score: raw_score - late_submission_penalty, never below 0 (``nbgrader export`` has the gradebook's)
    - late: null when on time, else {"seconds_late", "duedate", "penalty", "message"} (the message is
      what the student's feedback says)
    """
    result["raw_score"] = round(float(raw_score), 6)
    result["late_submission_penalty"] = round(float(penalty or 0.0), 6)
    if seconds <= 0:
        result["late"] = None
        return result
    result["score"] = round(max(0.0, result["raw_score"] - result["late_submission_penalty"]), 6)
    when = (_("{late} after the due date ({due} UTC)").format(late=describe(seconds), due=f"{duedate:%Y-%m-%d %H:%M}")
            if duedate is not None else _("after the due date (as the LMS marked it)"))
    rule = type(plugin).__name__ if plugin is not None else _("late-submission rule")
    method = getattr(plugin, "penalty_method", None)
    if method:
        rule += f", penalty_method '{method}'"
    penalty = result["late_submission_penalty"]
    message = ngettext(
        "Submitted late: {when}. Late penalty: {penalty:g} point ({rule}); score {score:g} of {max_score:g} "
        "(before the penalty {raw_score:g}).",
        "Submitted late: {when}. Late penalty: {penalty:g} points ({rule}); score {score:g} of {max_score:g} "
        "(before the penalty {raw_score:g}).", 1 if penalty == 1 else 2).format(
            when=when, penalty=penalty, rule=rule, score=result["score"], max_score=result["max_score"],
            raw_score=result["raw_score"])
    result["late"] = {"seconds_late": seconds, "duedate": duedate.isoformat(" ") if duedate else None,
                      "penalty": result["late_submission_penalty"], "message": message}
    return result


def apply_without_gradebook(results, plugin, exercises_of):
    """Penalties for results that reach no gradebook: only an LMS late marker can make them late.

    Each notebook's score is the sum of its methods' scores (``exercises_of(assignment)`` gives what the
    tests are graded as, ``Course.graded``: each with ``.name``, ``.notebook`` and ``.test_cell``)."""
    from graders.exercises.course_file import graded_of
    for result in results:
        raw = float(result["score"])
        seconds = seconds_late(None, None, lms_late=bool(result.get("lms_late")))
        total = 0.0
        if seconds > 0 and result["status"] == "graded":
            graded = exercises_of(result["assignment"])
            per_notebook = {}
            for test in result.get("tests", []):
                item = graded_of(graded, test)
                notebook = item.notebook if item is not None else test["name"]
                per_notebook[notebook] = per_notebook.get(notebook, 0.0) + float(test["score"])
            for score in per_notebook.values():
                total += notebook_penalty(plugin, result["student"], score, seconds) or 0.0
        record(result, raw, total, seconds, plugin=plugin)
    return results
