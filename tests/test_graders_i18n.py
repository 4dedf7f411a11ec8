"""The grader's student-facing texts in Chinese (the ``graders`` gettext domain, graders/i18n.py).

The oracle for "no English left" is the text itself: every Latin-letter word on a Chinese page or in a Chinese
message must be a code identifier, a number or a name the student's data brought in (listed per test), never
prose. English stays the code's own text (tests/test_same_verdicts.py, tests/test_reports.py check it).
"""
import json
import re
import string
import textwrap

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from engine_helpers import POOL, REPO
from graders.i18n import DOMAIN, LOCALE_DIR
from utils.i18n import using_language

# Words that are code or names, not prose: identifiers, units, signal names, Jupyter's own menu labels.
CODE_WORDS = {"Begin", "End", "NaN", "UTC", "MB", "MiB", "SIGKILL", "numpy", "np", "utils", "im2col", "col2im",
              "Jupyter", "Kernel", "Restart", "Clear", "Output", "ipynb", "nbgrader", "JSON", "UTF", "os", "sys",
              "exit", "quit", "backward", "def", "class", "Python", "CPU", "MemoryError", "NotImplementedError",
              "dx", "dW", "db", "png"}


WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def english_words(text, allowed=()):
    """The words of ``text`` in Latin letters (two or more) that are neither code (inline code, a name with a digit
    or an underscore, CODE_WORDS) nor a word of the names in ``allowed``."""
    text = re.sub(r"`[^`]*`", " ", text)
    allowed = CODE_WORDS | {word for name in allowed for word in WORD.findall(str(name))}
    return sorted({word for word in WORD.findall(text)
                   if len(word) > 1 and not re.search(r"[0-9_]", word) and word not in allowed})


def visible_text(page):
    """What a reader sees on an HTML page: its text and its images' alt texts (no markup, styles, image data)."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    alts = " ".join(re.findall(r'alt="([^"]*)"', page))
    return re.sub(r"<[^>]+>", " ", page) + " " + alts


# ---------------------------------------------------------------------------------------------- the catalogue

def test_every_message_of_the_graders_domain_is_translated_with_the_same_placeholders():
    from babel.messages.extract import extract_from_dir
    from babel.messages.mofile import read_mo

    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    extracted = set()
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(REPO), method_map=[("graders/exercises/**", "ignore"), ("graders/**.py", "python")],
            keywords=keywords):
        extracted.add(message[0] if isinstance(message, tuple) else message)
    with open(LOCALE_DIR / "zh" / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as f:
        catalogue = read_mo(f)
    translated = {m.id[0] if isinstance(m.id, (list, tuple)) else m.id: m.string for m in catalogue if m.id}
    assert extracted and extracted == set(translated), "run the extraction and update graders.po (docs/i18n.md)"
    formatter = string.Formatter()
    for msgid, msgstr in translated.items():
        for text in (msgstr if isinstance(msgstr, (list, tuple)) else (msgstr,)):
            assert text and english_words(re.sub(r"\{[^}]*\}(\.\w+)?|<[^>]*>|&\w+;", " ", text)) == [], msgid
            fields = sorted((name, spec) for _t, name, spec, _c in formatter.parse(msgid) if name is not None)
            assert sorted((name, spec) for _t, name, spec, _c in formatter.parse(text) if name is not None) \
                == fields, msgid


# ---------------------------------------------------------------------------------------------- the reports

def _output(name, passed, grid=None):
    return {"name": name, "passed": passed, "message": None if passed else f"{name}：最大误差 0.5",
            **({"error_map": grid} if grid is not None else {})}


def _case(name, passed, mistakes=(), grid=None, error=None):
    return {"name": name, "description": "步幅为 2、窗口重叠", "setting": "x (2, 3, 5, 5)", "passed": passed,
            "error": error, "outputs": [] if error else [_output("dx", passed, grid)],
            "diagnosis": [{"name": m, "title": f"错误 {m}", "hint": "提示：检查下标"} for m in mistakes]}


def _failing_submission():
    failing = {"name": "MaxPool.backward", "score": 2.5, "max_score": 5.0, "passed": False,
               "feedback": "2 个测试用例中通过了 1 个",
               "cases": [_case("basic", True), _case("overlap", False, ["m1"], grid=[[0.0, 0.5], [None, 2.0]]),
                         _case("pad", False, error="你的代码引发了 ValueError")],
               "diagnosis": [{"name": "probe_pad", "title": "填充", "hint": "只有有填充时才出错"},
                             {"name": "m1", "title": "错误 m1", "hint": "提示"}],
               "notes": ["缺少 maxpool_backward.ipynb"],
               "run": {"output": "\n".join(str(i) for i in range(30))}}
    passing = {"name": "Convolution.backward", "score": 5.0, "max_score": 5.0, "passed": True,
               "feedback": "全部通过", "cases": [_case("basic", True), _case("stride2", True)], "diagnosis": []}
    return {"student": "bob", "assignment": "conv_pool_backward", "status": "graded", "score": 7.5,
            "max_score": 10.0, "error": None, "tests": [passing, failing],
            "late": {"penalty": 1.0, "message": "迟交"}}


@pytest.fixture
def figure_texts(monkeypatch):
    """Every text drawn in the figures the reports render."""
    import matplotlib.text

    from graders.reports import figures
    drawn = []
    render = figures.png_data_uri

    def recording(fig):
        drawn.extend(t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text())
        return render(fig)
    monkeypatch.setattr(figures, "png_data_uri", recording)
    return drawn


def test_a_failing_submissions_feedback_page_in_chinese_has_no_english_prose(figure_texts):
    from graders.reports.html import feedback_page
    sub = _failing_submission()
    page = feedback_page(sub, "zh")
    names = ["conv_pool_backward", "bob", "MaxPool.backward", "Convolution.backward", "basic", "overlap", "pad",
             "stride2", "ValueError", "maxpool_backward", "probe_pad", "m1"]
    assert '<html lang="zh-CN">' in page
    assert english_words(visible_text(page), names) == []
    for heading in ("评分反馈：conv_pool_backward", "得分：<b>7.5 / 10</b>", "可能的错误：错误 m1", "实验结果表明：填充",
                    "全部 2 个测试用例都通过了。", "注意：缺少 maxpool_backward.ipynb", "还有 10 行", "未通过", "通过"):
        assert heading in page
    assert figure_texts and english_words(" ".join(figure_texts), names) == []
    assert "|你的 dx - 正确的 dx|" in figure_texts


def test_an_error_status_page_in_chinese_says_why_in_chinese():
    from graders.reports.html import feedback_page
    sub = {"student": "eve", "assignment": "conv_pool_backward", "status": "error", "score": 0.0,
           "max_score": 10.0, "error": None, "tests": []}
    page = feedback_page(sub, "zh")
    assert "你的提交无法评分。" in page and "没有给出原因" in page
    assert english_words(visible_text(page), ["eve", "conv_pool_backward"]) == []


def test_a_page_speaks_the_language_its_result_was_graded_in():
    from graders.reports.html import feedback_page
    sub = dict(_failing_submission(), language="zh")
    assert feedback_page(sub, "en") == feedback_page(sub, "zh")
    assert "<h1>评分反馈：" in feedback_page(sub, "en")
    english = feedback_page(_failing_submission(), "en")
    assert "<h1>Feedback: conv_pool_backward</h1>" in english and '<html lang="en">' in english


def test_the_class_summary_exists_in_both_languages(tmp_path, figure_texts):
    from graders.reports.html import write_reports
    erring = {"student": "eve", "assignment": "conv_pool_backward", "status": "error", "score": 0.0,
              "max_score": 10.0, "error": "笔记本已损坏", "tests": []}
    unanswered = dict(_failing_submission(), student="dan")
    unanswered["tests"][1].update(diagnosis=[], feedback="NotImplementedError")
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"submissions": [_failing_submission(), erring, unanswered]}), encoding="utf-8")
    chinese = write_reports(results, tmp_path / "zh", lang="zh").read_text(encoding="utf-8")
    english = write_reports(results, tmp_path / "en", lang="en").read_text(encoding="utf-8")
    names = ["conv_pool_backward", "bob", "eve", "dan", "MaxPool", "MaxPool.backward", "Convolution.backward",
             "basic", "overlap", "pad", "stride2", "html", "scores", "mistakes", "cases", "middot"]
    assert english_words(visible_text(chinese).replace("&middot;", " "), names) == []
    for text in ("班级汇总：conv_pool_backward", "共 3 份提交：2 份已评分，1 份无法评分", "最常见的错误",
                 "未作答：占位代码（NotImplementedError）还在", "大多数提交未通过的测试用例", "迟交：扣 1 分。"):
        assert text in chinese
    assert "Class summary: conv_pool_backward" in english and "3 submissions: 2 graded, 1 could not be graded" in english
    assert english_words(" ".join(figure_texts[:len(figure_texts) // 2]), names) == []
    # The feedback pages beside each summary speak its language.
    assert "<h1>评分反馈：" in (tmp_path / "zh" / "bob" / "conv_pool_backward.html").read_text(encoding="utf-8")
    assert "<h1>Feedback: " in (tmp_path / "en" / "bob" / "conv_pool_backward.html").read_text(encoding="utf-8")


def test_the_plain_text_and_gradescope_feedback_in_chinese():
    from graders.course.gradescope import results_json
    from graders.engine.late import record
    from graders.engine.results import feedback_report
    sub = _failing_submission()
    with using_language("zh"):
        record(sub, 7.5, 2.0, 2 * 86400 + 3 * 3600 + 5 * 60)
        text = feedback_report(sub)
        scope = results_json(dict(sub, status="error", error="笔记本已损坏", notes=["注意事项"]), 1.0)
    assert sub["late"]["message"] == ("迟交：晚于截止时间（根据教学平台的标记）。迟交扣分：2 分（迟交规则）；得分 5.5 / 10"
                                      "（扣分前为 7.5）。")
    assert text.startswith("作业 conv_pool_backward，学生 bob\n得分：5.5 / 10\n迟交：")
    assert "MaxPool.backward：2.5 / 5" in text and "你的代码的输出（前几行）：" in text
    assert scope["output"] == "得分：5.5 / 10\n你的提交无法评分：笔记本已损坏\n注意：注意事项"
    assert scope["tests"][1]["output"].endswith("提示（填充）：只有有填充时才出错\n提示（错误 m1）：提示")


def test_a_late_message_names_days_hours_and_minutes_in_chinese():
    import datetime

    from graders.engine.late import record
    due = datetime.datetime(2026, 3, 1, 10, 0)
    result = {"score": 8.0, "max_score": 10.0}
    with using_language("zh"):
        record(result, 8.0, 1.0, 2 * 86400 + 3 * 3600 + 5 * 60, duedate=due)
    assert result["late"]["message"] == ("迟交：超过截止时间（2026-03-01 10:00 UTC）2 天 3 小时 5 分钟。迟交扣分：1 分（迟交规则）；"
                                         "得分 7 / 10（扣分前为 8）。")
    english = {"score": 8.0, "max_score": 10.0}
    record(english, 8.0, 1.0, 86400 + 60, duedate=due)
    assert english["late"]["message"] == ("Submitted late: 1 day 1 min after the due date (2026-03-01 10:00 UTC). Late "
                                          "penalty: 1 point (late-submission rule); score 7 of 10 (before the penalty 8).")


# ---------------------------------------------------------------------------------------------- error statuses

def _notebook(source):
    return nbformat.writes(new_notebook(cells=[new_code_cell(source)])).encode()


BROKEN = [
    (b"", "是空文件"),
    (b"\xff\xfe\x00garbage", "不是 Jupyter 笔记本（不是 UTF-8 文本）"),
    (b'{"cells": [', "它的 JSON 已损坏（第 1 行，第 12 列）"),
    (b'{"a": 1}', "是 JSON 文件，但不是 Jupyter 笔记本（没有单元格）"),
]


@pytest.mark.parametrize("data, says", BROKEN)
def test_a_broken_notebook_is_refused_in_chinese(data, says):
    from graders.engine.notebook import NotebookError, read_notebook
    with using_language("zh"), pytest.raises(NotebookError) as refused:
        read_notebook(data, "maxpool_backward.ipynb")
    message = str(refused.value)
    assert says in message and english_words(message, ["maxpool_backward"]) == []
    with pytest.raises(NotebookError, match="maxpool_backward.ipynb (is|is not|is JSON)"):
        read_notebook(data, "maxpool_backward.ipynb")


def test_answers_that_cannot_be_graded_are_refused_in_chinese():
    from graders.engine.notebook import AnswerError, class_template, find_answer, read_notebook, splice_answer
    names = ["MaxPool", "MaxPool.backward", "maxpool_backward", "backward", POOL.answer_cell]
    with using_language("zh"):
        with pytest.raises(AnswerError) as no_class:
            find_answer(read_notebook(_notebook("x = 1")), POOL)
        assert "没有找到 MaxPool.backward 的答案" in str(no_class.value)
        with pytest.raises(AnswerError) as no_region:
            find_answer(read_notebook(_notebook("class MaxPool:\n    pass\n")), POOL)
        assert "第 1 个单元格" in str(no_region.value)
        body = find_answer(read_notebook(_notebook("class MaxPool:\n    def backward(self, dout):\n        return dout\n")),
                           POOL)
        assert body.note.startswith("答案单元格的 nbgrader 编号") and "下次请保留这两行" in body.note
        stray = find_answer(read_notebook(_notebook(textwrap.dedent("""\
            class MaxPool:
                def backward(self, dout):
                    ########## Begin ##########
                    dx = dout
            MaxPool = None
                    ########## End ##########
            """))), POOL)
        with pytest.raises(AnswerError) as leaves:
            splice_answer(class_template(POOL), stray)
    for message in (str(no_class.value), str(no_region.value), body.note, str(leaves.value)):
        assert english_words(message, names) == [], message
    assert "跑出了方法之外：单元格第 5 行" in str(leaves.value)


@pytest.fixture(scope="module")
def box():
    from graders.engine.sandbox import Limits, Sandbox
    with Sandbox(Limits(timeout=1.0, memory_mib=512, output_bytes=1 << 16)) as sandbox:
        yield sandbox


def _run(box, body):
    from graders.core.cases import random_cases
    from graders.core.seeds import public_seeds
    from graders.engine.notebook import Answer, class_template, splice_answer
    from graders.engine.sandbox import SandboxCase
    code = textwrap.indent(textwrap.dedent(body).strip("\n"), " " * 8)
    source, region = splice_answer(class_template(POOL), Answer(POOL.name, code, 40, "cell 7"))
    cases = random_cases(POOL.name, public_seeds("i18n-tests"))[:2]
    return box.run(source, "MaxPool", [SandboxCase(POOL.plan, c.params, c.inputs) for c in cases],
                   filename="maxpool_backward.ipynb", region=region)


def test_sandbox_outcomes_are_told_in_the_graded_language(box):
    with using_language("zh"):
        endless = _run(box, "while True:\n    pass")
        undefined = _run(box, "return helper(dout)")
        leaving = _run(box, "import sys\nsys.exit(3)")
    assert endless.status == "timeout"
    assert endless.cases[0].error == "没有在 1 秒内运行完，评分程序已将其终止（可能是死循环，或者运行太慢）"
    assert endless.cases[1].error == "未运行：前面的测试用例没有按时运行完"
    # The child's own lines (where, and the hint on what an answer may use) come from the parent's catalogue.
    lines = undefined.cases[0].error.split("\n")
    assert lines[0].startswith("你的代码抛出了 NameError")  # utils' first line, in the job's language too
    assert lines[1].startswith("  第 40 行，在 backward 中: return helper(dout)")
    assert lines[2].startswith("  评分时只使用 Begin 和 End 两行之间的代码")
    assert leaving.cases[0].error == "你的代码调用了 sys.exit(3)（或 exit/quit）：请删除它；backward 必须返回计算结果"
    english = _run(box, "return helper(dout)").cases[0].error.split("\n")
    assert english[0].startswith("your code raised NameError")
    assert english[1].startswith("  line 40, in backward: return helper(dout)")


def test_a_submission_missing_its_notebook_gets_a_chinese_error_status(box, monkeypatch):
    from graders.engine.batch import Grader, internal_error_test
    from graders.engine.submissions import NotebookFile, Submission
    monkeypatch.setenv("BACKPROP_LAB_SECRET", "i18n-test-secret")
    grader = Grader(REPO / "assignments", box.limits)
    missing = Submission("bob", "conv_pool_backward")
    broken = Submission("carol", "conv_pool_backward", notebooks={
        "maxpool_backward": NotebookFile("maxpool_backward.ipynb", "x", data=b'{"cells": [')})
    unknown = Submission("dan", "no_such_assignment")
    with using_language("zh"):
        results = [grader.grade(sub, box) for sub in (missing, broken, unknown)]
        internal = internal_error_test(POOL)
    assert [r["status"] for r in results] == ["error", "error", "error"]
    assert results[0]["error"].startswith("你的提交中缺少 conv_backward.ipynb，因此 Convolution.backward 无法评分")
    assert results[1]["tests"][1]["error"].startswith("maxpool_backward.ipynb 不是有效的笔记本：它的 JSON 已损坏")
    assert results[2]["error"].startswith("未知的作业 'no_such_assignment'：本课程的作业是 ")
    assert internal["error"].startswith("评分程序在评阅MaxPool.backward时出错（内部错误）")
    names = ["conv_backward", "maxpool_backward", "avgpool_backward", "Convolution.backward", "MaxPool.backward",
             "AvgPool.backward"]
    for result in results[:2]:
        for test in result["tests"]:
            if test.get("error"):
                assert english_words(test["error"], names) == [], test["error"]


def test_the_hidden_tests_judge_speaks_the_notebooks_language():
    from graders.course import notebook_tests
    with using_language("zh"):
        assert notebook_tests._time_message(10.0).startswith("你的代码没有运行完：本关所有测试用例合计最多只能运行 10 秒")
        judge = notebook_tests._Judge("MaxPool.backward", "bob", "conv_pool_backward", REPO / "assignments")
    assert judge.args[-2:] == ["--lang", "zh"]
    assert notebook_tests._Judge("MaxPool.backward", "bob", "conv_pool_backward", REPO).args[-2:] == ["--lang", "en"]


# ---------------------------------------------------------------------------------------------- the student README

def _outside_code(markdown):
    """The README's prose: without fenced blocks, inline code, quoted UI messages and emphasised UI labels."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    return re.sub(r"`[^`]*`|\"[^\"]*\"|\*[^*\n]*\*|\$\w+", " ", text)


def test_the_student_readme_exists_in_both_languages_with_the_same_structure():
    from graders.course.bundle import README_TEMPLATE, readme_template
    english, chinese = (readme_template(lang).read_text(encoding="utf-8") for lang in ("en", "zh"))
    assert readme_template("en") == README_TEMPLATE and readme_template("zh").name == "student_readme.zh.md"
    with using_language("zh"):
        assert readme_template() == readme_template("zh")
    placeholders = [set(m.group("named") or m.group("braced") for m in string.Template.pattern.finditer(text)
                        if m.group("named") or m.group("braced")) for text in (english, chinese)]
    assert placeholders[0] == placeholders[1]
    assert re.findall(r"```.*?```", english, flags=re.S) == re.findall(r"```.*?```", chinese, flags=re.S)
    assert re.findall(r"^#+ ", english, flags=re.M) == re.findall(r"^#+ ", chinese, flags=re.M)
    assert sorted(re.findall(r"`[^`]*`", english)) == sorted(re.findall(r"`[^`]*`", chinese))
    ui = {"JupyterHub", "JupyterLab", "Moodle", "Canvas", "Blackboard", "PDF", "HTML", "Ctrl", "NumPy", "Shift",
          "Enter", "Run", "All", "Cells", "Restart", "and", "Validate", "Windows", "Submit", "Assignment", "List"}
    assert english_words(_outside_code(chinese), ui) == []
    values = {name: "x" for name in placeholders[0]}
    assert "$" not in string.Template(chinese).substitute(values)
