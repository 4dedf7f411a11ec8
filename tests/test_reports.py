"""The HTML reports: what they count is checked against counts made by hand from a small results file."""
import base64
import io
import json
import math
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from graders.core.error_map import error_map
from graders.reports.html import feedback_paths, load_results, write_reports
from repo_course import EXERCISES

HOSTILE = '<script>alert("x")</script>'


def _output(name, passed, grid=None, message=None):
    return {"name": name, "passed": passed, "message": message or (None if passed else f"{name} is wrong"),
            "max_abs_error": None, "worst_index": None, "n_wrong": None, "n_total": None,
            **({"error_map": grid} if grid is not None else {})}


def _case(name, passed, mistakes=(), grid=None, error=None):
    return {"name": name, "description": f"what {name} checks", "setting": "x (2, 3, 5, 5)", "passed": passed,
            "error": error, "outputs": [] if error else [_output("dx", passed, grid)],
            "diagnosis": [{"name": m, "title": f"Title of {m}", "hint": f"Hint for {m}"} for m in mistakes]}


def _test(name, cases, points=5.0):
    n_passed = sum(c["passed"] for c in cases)
    return {"name": name, "score": round(points * n_passed / len(cases), 2), "max_score": points,
            "passed": n_passed == len(cases), "feedback": f"{n_passed} of {len(cases)} cases passed",
            "cases": cases}


def _submission(student, tests, status="graded", error=None):
    return {"student": student, "assignment": "conv_pool_backward", "status": status,
            "score": sum(t["score"] for t in tests), "max_score": 10.0, "error": error, "tests": tests}


GRID = [[0.0, 0.5], [None, 2.0]]  # None: the student's value was NaN there

# By hand: "overwrite" is diagnosed for bob (in 2 cases: counts once) and carol; "transpose" for carol only.
# Case "overlap" of MaxPool.backward fails for bob and carol (2 of 3 graded); "basic" fails for nobody.
CLASS = [
    _submission("alice", [_test("Convolution.backward", [_case("basic", True), _case("stride2", True)]),
                          _test("MaxPool.backward", [_case("basic", True), _case("overlap", True)])]),
    _submission("bob", [_test("Convolution.backward", [_case("basic", True), _case("stride2", True)]),
                        _test("MaxPool.backward", [_case("basic", True),
                                                   _case("overlap", False, ["overwrite"], grid=GRID)])]),
    _submission("carol", [_test("Convolution.backward", [_case("basic", True),
                                                         _case("stride2", False, ["transpose"])]),
                          _test("MaxPool.backward", [_case("basic", False, ["overwrite"]),
                                                     _case("overlap", False, ["overwrite"])])]),
    _submission(HOSTILE, [], status="error", error=f"the notebook is not JSON {HOSTILE}"),
]


class Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts; every <img> src; every <a> href."""

    def __init__(self, text):
        super().__init__()
        self.tables, self.images, self.links, self._cell = [], [], [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "img":
            self.images.append(attrs["src"])
        elif tag == "a":
            self.links.append(attrs["href"])
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def table_with(self, header):
        return next(t for t in self.tables if header in t[0])


def _png(src):
    import matplotlib.image
    assert src.startswith("data:image/png;base64,")
    data = base64.b64decode(src.split(",", 1)[1], validate=True)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return matplotlib.image.imread(io.BytesIO(data), format="png")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reports")
    results = tmp / "results.json"
    results.write_text(json.dumps({"submissions": CLASS}))
    summary = write_reports(results, tmp / "out")
    return tmp / "out", summary


def test_summary_counts_mistakes_once_per_submission(reports):
    out, summary = reports
    assert summary == out / "index.html"
    page = Tables(summary.read_text())
    mistakes = page.table_with("mistake")
    assert mistakes[1:] == [["MaxPool.backward", "Title of overwrite", "2"],
                            ["Convolution.backward", "Title of transpose", "1"]]


def test_a_feedback_page_shows_the_tests_diagnosis_experiments_included(tmp_path):
    from graders.reports.html import feedback_page
    probed = dict(_test("Convolution.backward", [_case("basic", False, ["transpose"])]),
                  diagnosis=[{"name": "transpose", "title": "Title of transpose", "hint": "Hint for transpose"},
                             {"name": "probe_padding", "title": "dx wrong only with padding", "hint": "Which rows?"}])
    page = feedback_page(_submission("dan", [probed]))
    assert "Probable mistake: Title of transpose" in page
    assert "What the experiments show: dx wrong only with padding" in page and "Which rows?" in page


def test_summary_counts_from_the_tests_diagnosis_with_an_unrecognised_bucket():
    from graders.reports.html import NOT_ANSWERED, UNRECOGNISED, mistake_counts
    failed = dict(_test("MaxPool.backward", [_case("overlap", False)]), diagnosis=[])
    probed = dict(_test("Convolution.backward", [_case("basic", False)]),
                  diagnosis=[{"name": "probe_padding", "title": "dx wrong only with padding", "hint": "?"}])
    stub = dict(_test("Convolution.backward", [_case("basic", False)]), diagnosis=[],
                feedback="your code raised NotImplementedError")
    graded = [_submission("dan", [failed, probed]), _submission("eve", [failed, stub]),
              _submission("fay", [_test("MaxPool.backward", [_case("overlap", True)])])]
    assert mistake_counts(graded) == [("MaxPool.backward", UNRECOGNISED, 2),
                                      ("Convolution.backward", "dx wrong only with padding", 1),
                                      ("Convolution.backward", NOT_ANSWERED, 1)]


def test_summary_ranks_failing_cases(reports):
    out, summary = reports
    rows = Tables(summary.read_text()).table_with("failed by")[1:]
    failed = {(r[0], r[1].split(" what")[0]): r[2] for r in rows}
    assert failed == {("MaxPool.backward", "overlap"): "2 / 3", ("MaxPool.backward", "basic"): "1 / 3",
                      ("Convolution.backward", "stride2"): "1 / 3", ("Convolution.backward", "basic"): "0 / 3"}
    assert rows[0][1].startswith("overlap")  # the most failed first


def test_summary_score_table_and_links(reports):
    out, summary = reports
    page = Tables(summary.read_text())
    scores = page.table_with("score")
    by_student = {row[0]: row for row in scores[1:]}
    assert by_student["alice"][3] == "10 / 10"
    assert by_student["bob"][3] == "7.5 / 10"
    assert by_student["carol"][3] == "2.5 / 10"  # one of two Convolution cases: 2.5 of 5
    assert by_student[HOSTILE][2] == "error"
    pages = [link for link in page.links if not link.startswith("#")]  # not the in-page anchors
    for link in pages:  # every student's page exists where the summary points
        assert (out / link).is_file(), link
    assert len(pages) == len(CLASS)


def test_histogram_is_an_embedded_png(reports):
    _, summary = reports
    images = Tables(summary.read_text()).images
    assert images, "the summary has no figure"
    for src in images:
        image = _png(src)
        assert image.ndim == 3 and image.shape[0] > 50 and image.shape[1] > 50


def test_pages_are_self_contained_and_escape_submission_text(reports):
    out, _ = reports
    for page in out.rglob("*.html"):
        text = page.read_text()
        assert "<script" not in text, page  # the hostile name and message appear only escaped
        assert not re.search(r"""(src|href)=["'](https?:|//)""", text), page
        assert "<link" not in text
    error_page = out / feedback_paths(CLASS)[3]
    assert "could not be graded" in error_page.read_text()
    assert html_escaped(HOSTILE) in error_page.read_text()


def html_escaped(text):
    import html
    return html.escape(text, quote=True)


def test_feedback_page_shows_verdicts_diagnosis_and_heat_map(reports):
    out, _ = reports
    page_text = (out / "bob" / "conv_pool_backward.html").read_text()
    page = Tables(page_text)
    cases = [t for t in page.tables if t[0][:2] == ["case", "result"]]
    maxpool = cases[1]
    assert [row[1] for row in maxpool[1:]] == ["passed", "failed"]
    assert "Title of overwrite" in maxpool[2][2]
    assert "Hint for overwrite" in page_text
    (heat_map,) = [src for src in page.images]  # one failed output with an error map: one figure
    _png(heat_map)
    # alice passed everything: no figure, no diagnosis.
    alice = (out / "alice" / "conv_pool_backward.html").read_text()
    assert "<img" not in alice and "Probable mistake" not in alice


def test_error_map_against_loops():
    rng = np.random.default_rng(3)
    reference = rng.standard_normal((2, 3, 4, 5))
    student = reference + rng.standard_normal(reference.shape) * (rng.random(reference.shape) < 0.3)
    student[1, 2, 3, 0] = np.nan
    student[0, 0, 0, 4] = -np.inf
    grid = error_map(student, reference)
    assert len(grid) == 4 and all(len(row) == 5 for row in grid)
    for h in range(4):
        for w in range(5):
            values = [abs(student[n, c, h, w] - reference[n, c, h, w]) for n in range(2) for c in range(3)]
            if any(not math.isfinite(v) for v in values):
                assert grid[h][w] is None
            else:
                assert grid[h][w] == pytest.approx(max(values), abs=0)
    assert error_map(np.ones(3), np.zeros(3)) == [[1.0, 1.0, 1.0]]  # db: one row
    assert error_map(np.ones((2, 3)), np.zeros((3, 2))) is None  # wrong shape: nothing to draw
    json.dumps(grid)  # JSON-ready


def test_feedback_paths_never_collide():
    subs = [{"student": s, "assignment": "a"} for s in ("a/b", "a_b", "a?b", "../x", "")]
    paths = feedback_paths(subs)
    assert len(set(paths)) == len(paths)
    for path in paths:
        assert ".." not in path.parts and not path.is_absolute()


def test_bad_results_files_get_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="backprop-lab grade"):
        load_results(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_results(bad)
    bad.write_text(json.dumps({"submissions": [{"student": "x", "assignment": "a", "status": "graded",
                                                "score": 1, "max_score": 10}]}))
    with pytest.raises(ValueError, match=r"submissions\[0\] has no 'tests' key"):
        load_results(bad)


def test_contract_only_results_still_report(tmp_path):
    """Without the engine's per-case details the pages show the results JSON's own fields and say so."""
    plain = [{"student": "dan", "assignment": "a", "status": "graded", "score": 5.0, "max_score": 10.0,
              "error": None, "tests": [{"name": "MaxPool.backward", "score": 5.0, "max_score": 5.0, "passed": True,
                                        "feedback": "All 8 cases passed."}]}]
    results = tmp_path / "r.json"
    results.write_text(json.dumps({"submissions": plain}))
    summary = write_reports(results, tmp_path / "out")
    assert "no per-case details" in summary.read_text()
    assert "All 8 cases passed." in (tmp_path / "out" / "dan" / "a.html").read_text()


def test_notes_and_printed_output_are_shown_escaped(tmp_path):
    test = _test("MaxPool.backward", [_case("basic", True)])
    test.update(notes=["maxpool_backward.ipynb is missing; graded copy.ipynb"],
                run={"status": "finished", "output": "debug <b>1</b>\n" * 30})
    results = tmp_path / "r.json"
    results.write_text(json.dumps({"submissions": [_submission("erin", [test])]}))
    write_reports(results, tmp_path / "out")
    page = (tmp_path / "out" / "erin" / "conv_pool_backward.html").read_text()
    assert "Note: maxpool_backward.ipynb is missing; graded copy.ipynb" in page
    assert page.count("debug &lt;b&gt;1&lt;/b&gt;") == 20 and "(10 more lines)" in page  # first 20 lines


def test_stage_nbgrader_feedback_only_for_exchange_submissions(tmp_path):
    from graders.reports.html import stage_nbgrader_feedback
    from repo_course import COURSE_DIR
    course = tmp_path / "course"
    course.mkdir()
    (course / "course.toml").write_bytes((COURSE_DIR / "course.toml").read_bytes())  # which notebooks there are
    for student, secret in (("alice", "s3cr3t"), ("bob", None)):  # bob's notebooks came from an LMS zip
        folder = course / "submitted" / student / "conv_pool_backward"
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("2025-01-15 12:00:00.000000 UTC")
        if secret:
            (folder / "submission_secret.txt").write_text(secret)
    results = tmp_path / "r.json"
    results.write_text(json.dumps({"submissions": CLASS[:2]}))
    pages = stage_nbgrader_feedback(results, course)
    target = course / "feedback" / "alice" / "conv_pool_backward"
    assert sorted(pages) == sorted(target / f"{exercise.notebook}.html" for exercise in EXERCISES.values())
    assert (target / "submission_secret.txt").read_text() == "s3cr3t"
    assert (target / "timestamp.txt").is_file()
    assert "Feedback: conv_pool_backward" in pages[0].read_text()
    assert not (course / "feedback" / "bob").exists()
