"""HTML reports after grading: a feedback page for every submission and a summary of the class.

    write_reports(results_json, out_dir) -> out_dir / "index.html"
    stage_nbgrader_feedback(results_json, course_dir)   # the pages, ready for `nbgrader release_feedback`

writes
    out_dir/index.html                         the class summary: score table, histogram, common mistakes,
                                               the cases most students fail
    out_dir/<student>/<assignment>.html        one feedback page per submission

The input is the grading engine's results JSON (docs/engine.md#the-results-json). The per-case details the engine adds to each test
(``MethodReport.to_dict()`` of graders/core/check.py: a ``cases`` list) give the feedback pages a table of cases with
their diagnosis and, for a wrong gradient, a heat map of where it is wrong. Without them the pages show the
results JSON's own fields only.

Pages are self-contained (inline CSS, figures as base64 PNG, no script) so they can be mailed or uploaded to an
LMS as they are. Every text that comes from a submission (names, error messages, feedback) is HTML-escaped:
a student's exception message must not run in the instructor's browser.

Language: a feedback page speaks the assignment's language (the results entry's ``language`` when the grader
recorded one, else the report's ``lang``), the class summary the report's ``lang`` (English or Chinese); the
texts are the ``graders`` gettext domain's (graders/i18n.py). What the results carry (hints, case descriptions,
the check's text) is in the language it was graded in.
"""
import html
import json
import math
import shutil
import statistics
from collections import Counter
from pathlib import Path

import numpy as np

from graders.i18n import N_, _, ngettext
from graders.reports.figures import barh_figure, heatmap_figure, histogram_figure, shorten
from utils.i18n import LANGUAGES, get_language, using_language


def write_reports(results_json: Path, out_dir: Path, lang: str = None) -> Path:
    """Write the feedback pages and the class summary; return the summary's path.

    Inputs:
    - results_json: the file ``backprop-lab grade --json`` wrote
    - out_dir: folder for the pages (created; pages already there are overwritten)
    - lang: "en" or "zh": the summary's language, and the feedback pages' unless a result names its own
      (default: utils.i18n.get_language())

    Returns:
    - the path of the class summary, out_dir / "index.html"
    """
    submissions = load_results(Path(results_json))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    pages = feedback_paths(submissions)
    for submission, relative in zip(submissions, pages):
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(feedback_page(submission, lang), encoding="utf-8")

    summary = out_dir / "index.html"
    summary.write_text(summary_page(submissions, pages, lang), encoding="utf-8")
    return summary


def page_language(sub: dict = None, lang: str = None) -> str:
    """The language a page is written in: the result's own ``language`` (the one it was graded in) when it
    names one, else ``lang``, else utils.i18n.get_language()."""
    recorded = (sub or {}).get("language")
    if recorded in LANGUAGES:
        return recorded
    return lang or get_language()


# ----------------------------------------------------------------------------------------------------------
# Reading the results

def load_results(path: Path) -> list[dict]:
    """The submissions of a results JSON, checked for the results JSON's keys (ValueError naming what is missing)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: no such results file; write it with `backprop-lab grade PATH --json {path}`")
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not valid JSON ({e}); expected the output of `backprop-lab grade --json`")
    if not isinstance(data, dict) or not isinstance(data.get("submissions"), list):
        raise ValueError(f'{path}: expected {{"submissions": [...]}}, the output of `backprop-lab grade --json`')
    submissions = data["submissions"]
    for i, sub in enumerate(submissions):
        where = f"{path}: submissions[{i}]"
        if not isinstance(sub, dict):
            raise ValueError(f"{where} is not an object")
        for key in ("student", "assignment", "status", "score", "max_score", "tests"):
            if key not in sub:
                raise ValueError(f"{where} has no {key!r} key")
        if sub["status"] not in ("graded", "error"):
            raise ValueError(f"{where}: status must be 'graded' or 'error', got {sub['status']!r}")
        for j, test in enumerate(sub["tests"]):
            for key in ("name", "score", "max_score", "passed"):
                if key not in test:
                    raise ValueError(f"{where}.tests[{j}] has no {key!r} key")
    return submissions


def feedback_paths(submissions: list[dict]) -> list[Path]:
    """Where each submission's page goes, relative to the output folder: <student>/<assignment>.html.

    Names are made safe as the engine's text feedback makes them (graders.engine.results.safe_name), so the .html
    and .txt of a student sit side by side; a name that then collides with an earlier one gets a numbered
    suffix, so no page overwrites another.
    """
    from graders.engine.results import safe_name
    taken = set()
    paths = []
    for sub in submissions:
        base = Path(safe_name(sub["student"])) / safe_name(sub["assignment"])
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = base.with_name(f"{base.name}-{n}")
        taken.add(candidate)
        paths.append(candidate.with_name(candidate.name + ".html"))
    return paths


def _cases(test: dict) -> list[dict]:
    """The per-case details of a test entry, or [] when the engine gave none."""
    cases = test.get("cases")
    return [c for c in cases if isinstance(c, dict)] if isinstance(cases, list) else []


def _mistakes(case: dict) -> list[dict]:
    """The catalogued mistakes a case was diagnosed as ({"name", "title", "hint"} each), best match first.

    check.py's CaseResult.to_dict writes them as a list under "diagnosis"; one dict is accepted too.
    """
    found = case.get("diagnosis")
    if found is None:
        found = case.get("mistake")
    if isinstance(found, dict):
        found = [found]
    if not isinstance(found, list):
        return []
    return [m for m in found if isinstance(m, dict) and m.get("title")]


def _outputs(case: dict) -> list[dict]:
    outputs = case.get("outputs")
    return [o for o in outputs if isinstance(o, dict)] if isinstance(outputs, list) else []


def _error_map(output: dict):
    """The output's error map as a 2-D float array (NaN where the student's value was NaN/inf), or None."""
    raw = output.get("error_map")
    if raw is None:
        return None
    try:
        grid = np.array([[math.nan if v is None else v for v in row] for row in raw], dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return grid if grid.ndim == 2 and grid.size else None


# ----------------------------------------------------------------------------------------------------------
# Pages

CHART_ROWS = 12  # bars in a summary chart; the table below it lists everything

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60em; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: 0.8em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #1a7f37; font-weight: 600; } .fail { color: #c0392b; font-weight: 600; }
.error { background: #fdecea; border: 1px solid #e0a39a; padding: 0.6em 0.8em; }
.hint { background: #fff8e1; border-left: 4px solid #f0b429; padding: 0.4em 0.8em; margin: 0.4em 0; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; white-space: pre-wrap; }
figure { display: inline-block; margin: 0.4em 1em 0.4em 0; } figcaption { font-size: 0.85em; color: #555; }
.small { font-size: 0.85em; color: #555; }
"""


def _page(title: str, body: str) -> str:
    lang = "zh-CN" if get_language() == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(x) -> str:
    """A score as text: 2 decimals at most, no trailing zeros."""
    try:
        return f"{float(x):.2f}".rstrip("0").rstrip(".")
    except (TypeError, ValueError):
        return _e(x)


def _verdict(passed: bool) -> str:
    return '<span class="pass">' + _("passed") + "</span>" if passed else '<span class="fail">' + _("failed") + "</span>"


def _header_row(*labels: str) -> str:
    """A table's header row of (translated) labels."""
    return "<tr>" + "".join(f"<th>{label}</th>" for label in labels) + "</tr>"


def feedback_page(sub: dict, lang: str = None) -> str:
    """One submission's feedback page (HTML), in page_language(sub, lang)."""
    with using_language(page_language(sub, lang)):
        return _feedback_page(sub)


def _feedback_page(sub: dict) -> str:
    student, assignment = sub["student"], sub["assignment"]
    score = f"{_fmt(sub['score'])} / {_fmt(sub['max_score'])}"
    parts = [_("<h1>Feedback: {assignment}</h1>").format(assignment=_e(assignment)),
             "<p>" + _("Student: <b>{student}</b>").format(student=_e(student)) + "<br>"
             + _("Score: <b>{score}</b>").format(score=score) + "</p>"]
    if sub.get("late"):  # graders.engine.late.record
        late = sub["late"].get("message") or _("Submitted late.")
        parts.append(f'<p class="late">{_e(late)}</p>')
    if sub["status"] == "error":
        why = sub.get("error") or _("no reason was given")
        parts.append('<div class="error"><b>' + _("Your submission could not be graded.") + f"</b><br>{_e(why)}</div>")
    if sub["tests"]:
        parts.append("<table>" + _header_row(_("exercise"), _("score"), _("result")))
        for test in sub["tests"]:
            parts.append(f"<tr><td>{_e(test['name'])}</td>"
                         f"<td class='num'>{_fmt(test['score'])} / {_fmt(test['max_score'])}</td>"
                         f"<td>{_verdict(bool(test['passed']))}</td></tr>")
        parts.append("</table>")
    for test in sub["tests"]:
        parts.append(_test_section(test))
    return _page(_("{assignment}: feedback for {student}").format(assignment=assignment, student=student),
                 "\n".join(parts))


def _test_section(test: dict) -> str:
    name = test["name"]
    parts = [f"<h2>{_e(name)}: {_fmt(test['score'])} / {_fmt(test['max_score'])}</h2>"]
    for note in test.get("notes") or []:
        parts.append('<div class="hint">' + _("Note: {note}").format(note=_e(note)) + "</div>")
    cases = _cases(test)
    if cases:
        table = ["<table>" + _header_row(_("case"), _("result"), _("what was checked / what is wrong"))]
        table += [_case_row(case) for case in cases]
        table.append("</table>")
        if all(case.get("passed") for case in cases):  # nothing to act on: the cases folded away
            passed = ngettext("All {count} case passed.", "All {count} cases passed.", len(cases)).format(
                count=len(cases))
            parts.append(f"<p>{passed}</p><details><summary>" + _("The cases") + "</summary>"
                         + "\n".join(table) + "</details>")
        else:
            parts.extend(table)
        # The test's diagnosis (the catalogue's mistakes, then what the experiments showed), else the cases'.
        hints = _test_diagnosis(test) if isinstance(test.get("diagnosis"), list) else _distinct_mistakes(cases)
        for mistake in hints:
            head = (_("What the experiments show: {title}") if str(mistake.get("name", "")).startswith("probe_")
                    else _("Probable mistake: {title}"))
            parts.append(f'<div class="hint"><b>{head.format(title=_e(mistake["title"]))}</b><br>'
                         f'{_e(mistake.get("hint", ""))}</div>')
        # The maps of the first two failing cases that have them: the pattern shows by then, and each
        # figure costs a matplotlib render (a class of hundreds would otherwise wait minutes for its reports).
        figures = []
        for case in cases:
            if len(figures) < FIGURE_CASES and not case.get("passed"):
                figures += [f for f in [_case_figures(case, name)] if f]
        if figures:
            parts.append("<h3>" + _("Where your result differs from the expected one") + "</h3>")
            parts.append('<p class="small">' + _(
                "Each map shows, at every position, the largest difference between your value and the expected one "
                "over all images and channels (filters). Dark = far off; light = right. A pattern (a border, a "
                "stripe, every other entry) usually points at the cause.") + "</p>")
            parts.extend(figures)
    printed = (test.get("run") or {}).get("output") if isinstance(test.get("run"), dict) else None
    if printed:
        lines = str(printed).splitlines()
        more = "\n" + ngettext("... ({count} more line)", "... ({count} more lines)", len(lines) - 20).format(
            count=len(lines) - 20) if len(lines) > 20 else ""
        parts.append("<p>" + _("Your code printed:") + f"</p><pre>{_e(chr(10).join(lines[:20]) + more)}</pre>")
    if test.get("feedback"):
        # The engine's own text: the full detail, as the notebook's self-check prints it.
        parts.append("<details><summary>" + _("Full text of the check") + "</summary>"
                     f"<pre>{_e(test['feedback'])}</pre></details>")
    return "\n".join(parts)


def _case_row(case: dict) -> str:
    title = _e(case.get("name", _("case")))
    if case.get("description"):
        title += f'<br><span class="small">{_e(case["description"])}</span>'
    if case.get("setting"):
        title += f'<br><span class="small">{_e(case["setting"])}</span>'
    details = []
    if case.get("error"):
        details.append(f"<pre>{_e(case['error'])}</pre>")
    for output in _outputs(case):
        if not output.get("passed", True) and output.get("message"):
            details.append(f"<div>{_e(output['message'])}</div>")
    if not details and not case.get("passed") and case.get("message"):
        details.append(f"<div>{_e(case['message'])}</div>")
    mistakes = _mistakes(case)
    if mistakes:
        looks = _("Looks like: {titles}").format(titles=_("; ").join(_e(m["title"]) for m in mistakes))
        details.append(f'<div class="small">{looks}</div>')
    if not details:
        matched = _("all outputs match") if case.get("passed") else ""
        details.append(f'<span class="small">{matched}</span>')
    return (f"<tr><td>{title}</td><td>{_verdict(bool(case.get('passed')))}</td>"
            f"<td>{''.join(details)}</td></tr>")


def _distinct_mistakes(cases: list[dict]) -> list[dict]:
    seen, found = set(), []
    for case in cases:
        for mistake in _mistakes(case):
            if mistake["title"] not in seen:
                seen.add(mistake["title"])
                found.append(mistake)
    return found


FIGURE_CASES = 2  # failing cases per method whose error maps a feedback page draws


def _case_figures(case: dict, method: str) -> str:
    figures = []
    for output in _outputs(case):
        if output.get("passed", True):
            continue
        grid = _error_map(output)
        if grid is None:
            continue
        name = output.get("name", _("output"))
        uri = heatmap_figure(grid, _("|your {name} - expected {name}|").format(name=name))
        caption = _e(case.get("name", _("case"))) + f": {_e(name)}"
        alt = _("error map of {name}").format(name=_e(name))
        figures.append(f'<figure><img alt="{alt}" src="{uri}">'
                       f"<figcaption>{caption}</figcaption></figure>")
    return "".join(figures)


def summary_page(submissions: list[dict], pages: list[Path], lang: str = None) -> str:
    """The class summary (HTML) in ``lang`` (default: get_language()); ``pages`` are the feedback pages' paths
    relative to the summary."""
    with using_language(lang or get_language()):
        return _summary_page(submissions, pages)


def _summary_page(submissions: list[dict], pages: list[Path]) -> str:
    assignments = sorted({sub["assignment"] for sub in submissions})
    title = _("Class summary: {assignments}").format(
        assignments=", ".join(assignments) if assignments else _("no submissions"))
    parts = [f"<h1>{_e(title)}</h1>"]
    if not submissions:
        parts.append("<p>" + _("The results file holds no submissions.") + "</p>")
        return _page(title, "\n".join(parts))

    graded = [s for s in submissions if s["status"] == "graded"]
    errors = [s for s in submissions if s["status"] == "error"]
    scores = [float(s["score"]) for s in submissions]
    max_score = max(float(s["max_score"]) for s in submissions)
    full = sum(1 for s in submissions if float(s["score"]) >= float(s["max_score"]) > 0)
    parts.append("<p>" + _(
        "{submissions} submissions: {graded} graded, {errors} could not be graded (scored 0). Mean score {mean}, "
        "median {median} out of {max_score}; {full} with full marks.").format(
            submissions=len(submissions), graded=len(graded), errors=len(errors),
            mean=_fmt(statistics.fmean(scores)), median=_fmt(statistics.median(scores)), max_score=_fmt(max_score),
            full=full) + "</p>")
    parts.append('<p class="small">' + _(
        'On this page: <a href="#scores">scores</a> (with a link to every feedback page) &middot; '
        '<a href="#mistakes">most common mistakes</a> &middot; <a href="#cases">cases most submissions fail</a>')
        + "</p>")
    alt, caption = _("histogram of scores"), _("Scores of all {count} submissions").format(count=len(submissions))
    parts.append(f'<figure><img alt="{alt}" src="{histogram_figure(scores, max_score)}">'
                 f"<figcaption>{caption}</figcaption></figure>")

    parts.append(_mistakes_section(graded))
    parts.append(_failed_cases_section(graded))
    parts.append(_score_table(submissions, pages))
    return _page(title, "\n".join(parts))


def _score_table(submissions: list[dict], pages: list[Path]) -> str:
    methods = list(dict.fromkeys(t["name"] for s in submissions for t in s["tests"]))
    head = "".join(f"<th>{_e(m)}</th>" for m in methods)
    rows = ["<h2 id='scores'>" + _("Scores") + "</h2><table><tr>"
            + "".join(f"<th>{label}</th>" for label in (_("student"), _("assignment"), _("status"), _("score")))
            + head + "<th>" + _("note") + "</th></tr>"]
    order = sorted(range(len(submissions)), key=lambda i: (str(submissions[i]["student"]),
                                                             str(submissions[i]["assignment"])))
    for i in order:
        sub = submissions[i]
        by_name = {t["name"]: t for t in sub["tests"]}
        cells = "".join(
            f"<td class='num'>{_fmt(by_name[m]['score'])}</td>" if m in by_name else "<td></td>" for m in methods)
        note = _e(shorten(str(sub.get("error") or ""), 120)) if sub["status"] == "error" else ""
        if sub.get("late"):
            note = _("late: {penalty} point(s) off. {note}").format(
                penalty=_fmt(sub["late"].get("penalty") or 0), note=note).strip()
        link = html.escape(pages[i].as_posix(), quote=True)
        status = '<span class="fail">' + _("error") + "</span>" if sub["status"] == "error" else _("graded")
        rows.append(f"<tr><td><a href=\"{link}\">{_e(sub['student'])}</a></td><td>{_e(sub['assignment'])}</td>"
                    f"<td>{status}</td><td class='num'>{_fmt(sub['score'])} / {_fmt(sub['max_score'])}</td>"
                    f"{cells}<td class='small'>{note}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


UNRECOGNISED = N_("unrecognised: failed, and neither the catalogue nor the experiments named a mistake")
NOT_ANSWERED = N_("not answered: the stub (NotImplementedError) is still there")


def _test_diagnosis(test: dict) -> list[dict]:
    """The mistakes a test entry names: its "diagnosis" list (the catalogue's, then the hints found by
    experiment), or, for results without one, the union of its cases' diagnoses."""
    found = test.get("diagnosis")
    if isinstance(found, list):
        return [m for m in found if isinstance(m, dict) and m.get("title")]
    return [m for case in _cases(test) for m in _mistakes(case)]


def mistake_counts(graded: list[dict]) -> list[tuple[str, str, int]]:
    """(method, mistake title, number of submissions) for every diagnosed mistake, most common first.

    Counted from tests[].diagnosis (catalogue and experiments alike). A submission counts once per method
    and mistake, however many of its cases show it. A failed test with no diagnosis counts under
    UNRECOGNISED (or NOT_ANSWERED for the untouched stub), so the table shows what the class got wrong even
    where no hint fired.
    """
    counts = Counter()
    for sub in graded:
        for test in sub["tests"]:
            titles = {m["title"] for m in _test_diagnosis(test)}
            if not titles and not test.get("passed", True):
                stub = "NotImplementedError" in str(test.get("feedback", ""))
                titles = {NOT_ANSWERED if stub else UNRECOGNISED}
            for title in titles:
                counts[(test["name"], title)] += 1
    return [(method, title, n) for (method, title), n in
            sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def case_failures(graded: list[dict]) -> list[tuple[str, str, str, int, int]]:
    """(method, case, description, submissions failing it, submissions that ran it), most failed first."""
    failed, ran, described = Counter(), Counter(), {}
    for sub in graded:
        for test in sub["tests"]:
            for case in _cases(test):
                key = (test["name"], str(case.get("name", "case")))
                ran[key] += 1
                failed[key] += 0 if case.get("passed") else 1
                described.setdefault(key, str(case.get("description", "")))
    rows = [(m, c, described[(m, c)], failed[(m, c)], ran[(m, c)]) for (m, c) in ran]
    return sorted(rows, key=lambda r: (-r[3] / r[4], r[0], r[1]))


def _mistakes_section(graded: list[dict]) -> str:
    counts = mistake_counts(graded)
    parts = ['<h2 id="mistakes">' + _("Most common mistakes") + "</h2>"]
    if not counts:
        parts.append("<p>" + _("No graded submission failed an exercise.") + "</p>")
        return "\n".join(parts)
    parts.append('<p class="small">' + _(
        "Submissions (of {graded} graded) per mistake named in their feedback: by the catalogue (a known wrong "
        "implementation gives the same results) or by experiment (what changes when one factor changes, where the "
        "error lies). A failed exercise with no name counts as unrecognised.").format(graded=len(graded)) + "</p>")
    counts = [(method, _(title) if title in (UNRECOGNISED, NOT_ANSWERED) else title, n) for method, title, n in counts]
    top = counts[:CHART_ROWS]
    labels = [f"{method.split('.')[0]}: {title}" for method, title, _n in top]
    alt = _("most common mistakes")
    figure = barh_figure(labels, [n for *_rest, n in top], _("submissions"), integer=True)
    parts.append(f'<img alt="{alt}" src="{figure}">')
    parts.append("<table>" + _header_row(_("exercise"), _("mistake"), _("submissions")))
    for method, title, n in counts:
        parts.append(f"<tr><td>{_e(method)}</td><td>{_e(title)}</td><td class='num'>{n}</td></tr>")
    parts.append("</table>")
    return "\n".join(parts)


def _failed_cases_section(graded: list[dict]) -> str:
    rows = case_failures(graded)
    parts = ['<h2 id="cases">' + _("Cases most submissions fail") + "</h2>"]
    if not rows:
        parts.append("<p>" + _("The results carry no per-case details.") + "</p>")
        return "\n".join(parts)
    shown = [r for r in rows if r[3] > 0][:CHART_ROWS]
    if shown:
        labels = [f"{m}: {c}" for m, c, *_rest in shown]
        xlabel = _("{percent} of graded submissions failing").format(percent="%")
        figure = barh_figure(labels, [100.0 * f / n for *_rest, f, n in shown], xlabel)
        alt = _("cases most submissions fail")
        parts.append(f'<img alt="{alt}" src="{figure}">')
    parts.append("<table>" + _header_row(_("exercise"), _("case"), _("failed by")))
    for method, case, description, n_failed, n_ran in rows:
        desc = f'<br><span class="small">{_e(description)}</span>' if description else ""
        parts.append(f"<tr><td>{_e(method)}</td><td>{_e(case)}{desc}</td>"
                     f"<td class='num'>{n_failed} / {n_ran}</td></tr>")
    parts.append("</table>")
    return "\n".join(parts)


# ----------------------------------------------------------------------------------------------------------
# Returning the pages through nbgrader's exchange

def stage_nbgrader_feedback(results_json: Path, course_dir: Path, lang: str = None) -> list[Path]:
    """Put the feedback page of every submission that came through nbgrader's exchange where
    ``nbgrader release_feedback <assignment>`` takes it; returns the pages written.

    nbgrader releases ``<course>/feedback/<student>/<assignment>/<notebook>.html`` to the student who submitted
    ``<notebook>.ipynb``, keyed by the ``submission_secret.txt`` that ``nbgrader collect`` put beside it in
    ``submitted/``. The page covers the whole assignment, so each notebook of the submission gets the same page.
    Submissions without that file (an LMS download, a notebook graded alone) are skipped: return their pages
    through the LMS. The pages speak page_language(result, lang).
    """
    from graders.exercises import load_course
    course_dir = Path(course_dir)
    course = load_course(course_dir)
    written = []
    for sub in load_results(Path(results_json)):
        submitted = course_dir / "submitted" / str(sub["student"]) / str(sub["assignment"])
        secret = submitted / "submission_secret.txt"
        if not secret.is_file() or submitted.resolve().parent.parent != (course_dir / "submitted").resolve():
            continue  # not from the exchange, or a student id that is not a plain folder name
        target = course_dir / "feedback" / str(sub["student"]) / str(sub["assignment"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(secret, target / "submission_secret.txt")
        if (submitted / "timestamp.txt").is_file():
            shutil.copyfile(submitted / "timestamp.txt", target / "timestamp.txt")
        page = feedback_page(sub, lang)
        notebooks = course.notebooks(sub["assignment"]) if sub["assignment"] in course.assignments else []
        for notebook in notebooks:
            path = target / f"{notebook}.html"
            path.write_text(page, encoding="utf-8")
            written.append(path)
    return written
