"""The utils package in Chinese: the self-check, the feedback and the diagnosis speak the language chosen
(utils.i18n), with the same verdicts, and the catalogue (utils/locale/zh/LC_MESSAGES/utils.po) keeps every
placeholder of its English message ids.

What counts as English prose: a word of two or more Latin letters that is not code. Code is what the
messages quote on purpose: identifiers (dx, self.dW, np.empty, NotImplementedError ...), dtypes, shapes and
numbers. The exercise folders' own texts (case descriptions, mistakes' titles and hints) come from their own
catalogue (domain ``exercise``), so they are set aside here.
"""
import re
from pathlib import Path

import numpy as np
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from graders.core.cases import case_specs
from graders.core.check import check
from graders.core.mistakes import mistakes_for
from graders.core.public_cases import write_public_cases
from graders.core.seeds import public_seeds
from graders.sample_answers import load_answers
from repo_course import EXERCISES
from solutions import Convolution, MaxPool
from utils import checking, col2im, im2col, sliding_windows
from utils.checking import describe_exception, feedback_text, is_nondeterministic, is_raised, match_mistakes
from utils.i18n import LOCALE_DIR, _, get_language, set_language, using_language
from utils.selfcheck import self_check

ASSIGNMENT = "conv_pool_backward"
PO = LOCALE_DIR / "zh" / "LC_MESSAGES" / "utils.po"
MO = PO.with_suffix(".mo")

# The code the messages quote: names of the exercises' API, numpy's, Python's. Nothing else in Latin letters.
CODE_WORDS = {
    "dx", "dW", "db", "self", "backward", "forward", "dout", "col", "col2im", "im2col", "pad", "stride", "argmax",
    "arg_max", "np", "empty", "as_strided", "ndarray", "buffer", "numpy", "dtype", "bool", "float32", "float64",
    "int64", "reshape", "transpose", "tuple", "list", "dict", "int", "float", "str", "None", "NaN", "inf", "return",
    "raise", "NotImplementedError", "Convolution", "MaxPool", "AvgPool", "dmax", "out_h", "out_w", "filter_h",
    "filter_w", "FH", "FW", "FN", "pool_h", "pool_w", "backprop", "lab", "selfcheck_cases", "npz", "ipynb",
    "self_check", "cases_file", "path", "to", "col_W", "col_w", "g", "T", "AttributeError", "ValueError",
    "TypeError", "IndexError", "KeyError", "ZeroDivisionError", "SystemExit", "object", "has", "no", "attribute",
    "Error", "load_own_layers", "fallback", "frozen", "as_is", "folder", "conv_pool_backward", "nbgrader", "fetch",
}
# The cases' names (identifiers: "overlap", "ties" ...), shown as they are.
CODE_WORDS |= {spec.name for method in EXERCISES for spec in case_specs(method)}


def english_words(text, exercise_texts=()):
    """The words of ``text`` that are English prose: Latin words (2+ letters) that are not code, once the
    exercise's own texts, inline code and error messages quoted from Python or numpy are set aside."""
    text = re.sub(r"`[^`]*`", " ", without(text, exercise_texts))
    text = re.sub(r"第 \d+ 行，在 \S+ 中：[^\n]*", " ", text)  # the student's line of code, quoted
    # Python's and numpy's own error messages ("AttributeError: 'X' object has no attribute 'y'") stay English.
    text = re.sub(r"\b[A-Z][A-Za-z]*Error: [^\n]*", " ", text)
    words = re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text)
    return sorted({word for word in words if len(word) >= 2 and not re.search(r"[_0-9]", word)} - CODE_WORDS)


def without(text, quoted_texts):
    """text with the quoted texts (the exercise's own) taken out."""
    for quoted in sorted(quoted_texts, key=len, reverse=True):
        text = text.replace(quoted, " ")
    return text


def chinese_or_code(line):
    """True for a line with Chinese characters or full-width punctuation, or with no words at all."""
    return bool(re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", line)) or not re.search(r"[A-Za-z]{2}", line)


@pytest.fixture(scope="module")
def cases_file(tmp_path_factory):
    return write_public_cases(tmp_path_factory.mktemp("course") / "selfcheck_cases.npz", ASSIGNMENT)


@pytest.fixture(scope="module")
def exercise_texts():
    """Every text the exercise folders give (their own catalogue translates them)."""
    texts = set()
    for method, exercise in EXERCISES.items():
        for case in case_specs(method):
            texts |= {case.description, case.setting}
        for mistake in mistakes_for(method):
            texts |= {mistake.title, mistake.hint}
    return {text for text in texts if text}


# ---------------------------------------------------------------- the language is chosen at call time

def test_the_language_is_read_at_call_time(monkeypatch):
    message = "All {count} cases passed."
    monkeypatch.delenv("BACKPROP_LAB_LANG", raising=False)
    assert get_language() == "en" and _(message) == message
    with using_language("zh"):
        assert _(message).format(count=8) == "全部 8 个测试用例均已通过。"
    assert _(message) == message
    monkeypatch.setenv("BACKPROP_LAB_LANG", "zh")
    assert _(message) != message
    set_language("en")
    try:
        assert _(message) == message
    finally:
        set_language(None)


# ---------------------------------------------------------------- a student's view, in Chinese

# Wrong classes whose failures reach every kind of text: the catalogue's mistakes (the sample answers),
# the experiments' findings, errors raised in the student's code, and results that change between runs.
class HalfDx(MaxPool):
    def backward(self, dout):
        return 0.5 * MaxPool.backward(self, dout)


class DxOverN(MaxPool):
    def backward(self, dout):
        return MaxPool.backward(self, dout) / dout.shape[0]


class WrongWithPadding(MaxPool):
    def backward(self, dout):
        dx = MaxPool.backward(self, dout)
        return dx + 1.0 if self.pad > 0 else dx


class SquareOnly(Convolution):
    """Uses FH for both sides of the window: right when the filter is square, raises when it is not."""

    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        d = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = d.sum(0)
        self.dW = (self.col.T @ d).T.reshape(FN, C, FH, FW)
        return col2im(d @ self.col_W.T, self.x.shape, FH, FH, self.stride, self.pad)


class Flaky(MaxPool):
    calls = 0

    def backward(self, dout):
        Flaky.calls += 1
        return MaxPool.backward(self, dout) * (1 + Flaky.calls % 2)


class ReturnsList(MaxPool):
    def backward(self, dout):
        return MaxPool.backward(self, dout).tolist()


class Float32Dx(MaxPool):
    def backward(self, dout):
        return MaxPool.backward(self, dout).astype(np.float32)


class ReturnsTuple(Convolution):
    def backward(self, dout):
        dx = Convolution.backward(self, dout)
        return dx, self.dW, self.db


WRONG_CLASSES = [(HalfDx, "MaxPool.backward"), (DxOverN, "MaxPool.backward"), (WrongWithPadding, "MaxPool.backward"),
                 (SquareOnly, "Convolution.backward"), (Flaky, "MaxPool.backward"), (ReturnsList, "MaxPool.backward"),
                 (Float32Dx, "MaxPool.backward"), (ReturnsTuple, "Convolution.backward")]
SAMPLES = [(answer.load_class(), answer.method, answer.name) for method in EXERCISES for answer in load_answers(method)]


def test_a_self_check_in_chinese_has_no_english_prose(cases_file, exercise_texts, capsys):
    """Every sample answer (right, wrong, raising, the stub) and the wrong classes above, self-checked in
    Chinese: all that utils prints is Chinese, but code."""
    classes = [(cls, method, cls.__name__) for cls, method in WRONG_CLASSES] + SAMPLES
    seen = set()
    with using_language("zh"):
        for cls, method, name in classes:
            self_check(cls, method, cases_file)
            out = capsys.readouterr().out
            assert english_words(out, exercise_texts) == [], (name, out)
            assert all(chinese_or_code(line) for line in without(out, exercise_texts).splitlines()), (name, out)
            seen |= {line.split("：", 1)[0] for line in out.splitlines() if "：" in line}
    # The texts that were shown include the summary, the catalogue's and the experiments' headings.
    assert {"可能的错误", "实验表明", "每个未通过的测试用例", "注意"} <= seen, seen



@pytest.mark.parametrize("cls, method", WRONG_CLASSES, ids=lambda value: getattr(value, "__name__", value))
def test_the_feedback_in_chinese_has_no_english_prose_and_the_same_verdicts(cls, method, exercise_texts):
    """The grader's feedback on a method (graders.core.check, in this process): Chinese words, and exactly the
    verdicts, diagnoses and scores of the English run."""
    seeds = public_seeds(ASSIGNMENT)
    english = check(method, cls, seeds)
    english_text = english.feedback
    with using_language("zh"):
        chinese = check(method, cls, seeds)
        text = chinese.feedback
    assert english_words(text, exercise_texts) == [], text
    assert [(case.name, case.passed) for case in chinese.cases] == [(case.name, case.passed) for case in english.cases]
    assert [d.name for d in chinese.diagnosis] == [d.name for d in english.diagnosis]
    assert chinese.score == english.score
    assert text != english_text and len(text.splitlines()) == len(english_text.splitlines())


def test_the_experiments_findings_in_chinese():
    seeds = public_seeds(ASSIGNMENT)
    with using_language("zh"):
        findings = check("Convolution.backward", SquareOnly, seeds).findings
        half = check("MaxPool.backward", HalfDx, seeds).findings
    assert [(f.name, f.title) for f in findings] == [("probe_non_square", "你的代码只在窗口不是正方形时出错")]
    assert "FH != FW" in findings[0].hint
    assert half[0].name == "probe_scale" and "dx 在每个位置上都等于期望梯度乘以 0.5" in half[0].hint


# ---------------------------------------------------------------- texts made in one language, read in another

def test_errors_are_recognised_in_either_language():
    """The diagnosis reads describe_exception's first line; a sandbox or a notebook may have made it in the
    other language than the grader's."""
    try:
        raise ValueError("shapes (2,3) and (4,5) not aligned")
    except ValueError as exc:
        error = exc
    candidate = checking.Candidate("m", {}, checking.error_summary(error))
    other = checking.Candidate("other", {}, "ValueError: something else")
    for made in ("en", "zh"):
        with using_language(made):
            text = describe_exception(error)
        for reading in ("en", "zh"):
            with using_language(reading):
                assert is_raised(text) and is_raised(text, "ValueError") and not is_raised(text, "KeyError")
                assert match_mistakes(None, [], [other, candidate], student_error=text, atol=1e-5) == ["m"]
    with using_language("zh"):
        assert describe_exception(error) == "你的代码抛出了 ValueError: shapes (2,3) and (4,5) not aligned"
        flaky = describe_exception(checking.NondeterministicOutput("dx 在两次运行之间发生了变化"))
    assert is_nondeterministic(flaky) and not is_raised(flaky)
    assert not is_nondeterministic("你的代码抛出了 ValueError: x") and not is_raised("the grader timed out")


def test_the_errors_a_student_meets_in_utils_speak_chinese():
    with using_language("zh"):
        with pytest.raises(ValueError, match="比填充后的输入 4x4 还大"):
            im2col(np.zeros((1, 1, 4, 4)), 5, 5)
        with pytest.raises(ValueError, match=r"col2im：col 的形状为 \(3, 4\)"):
            col2im(np.zeros((3, 4)), (1, 1, 4, 4), 2, 2)
        with pytest.raises(ValueError, match="stride 必须是整数"):
            im2col(np.zeros((1, 1, 4, 4)), 2, 2, stride=1.5)
        with pytest.raises(ValueError, match="sliding_windows：window 必须有 1、2 或 3 个尺寸"):
            sliding_windows(np.zeros((1, 4, 4, 1)), (1, 1, 1, 1))
    with pytest.raises(ValueError, match="is larger than the padded input 4x4"):
        im2col(np.zeros((1, 1, 4, 4)), 5, 5)


def test_feedback_on_cases_built_by_hand_in_chinese():
    """feedback_text with every kind of line: a wrong value, a shape, a NaN, an error shown once."""
    expected = {"dx": np.ones((2, 3)), "dW": np.ones(4)}
    outputs = [
        {"dx": np.ones((2, 3)) * 2, "dW": np.ones(4)},
        {"dx": np.ones((3, 2)), "dW": None},
        {"dx": np.full((2, 3), np.nan), "dW": np.ones(4)},
    ]
    described = [{"name": "dx", "from": "backward", "by": "backward"}, {"name": "dW", "from": "self.dW", "by": "backward"}]
    with using_language("zh"):
        cases = []
        for index, student in enumerate(outputs):
            results = checking.compare_outputs(student, expected, 1e-5, described)
            cases.append(checking.CaseResult(f"case{index}", "", "x (2, 3)", all(r.passed for r in results), results))
        cases.append(checking.CaseResult("case3", "", "x (2, 3)", False, [], "你的代码抛出了 KeyError: 'W'"))
        text = feedback_text(cases, score=0, max_score=5)
    assert text.splitlines()[0] == "4 个测试用例中通过了 0 个：得分 0 / 5。"
    assert "dx：6 个值中有 6 个误差超过 1e-05" in text and "self.dW 正确。" in text
    assert "dx 的形状是 (3, 2)；应为 (2, 3)。元素个数是对的" in text and "self.dW 是 None" in text
    assert "NaN 和 inf 永远不会通过" in text
    assert english_words(text) == [], text


# ---------------------------------------------------------------- the catalogue

def _placeholders(text):
    return sorted(re.findall(r"\{[^{}]*\}", text))


def test_every_message_of_the_catalogue_keeps_its_placeholders():
    catalog = read_po(PO.open("rb"))
    messages = [message for message in catalog if message.id]
    assert len(messages) > 100
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, message.id
        for string in strings:
            # Every form of a plural message has the placeholders of both English forms.
            assert all(_placeholders(string) == _placeholders(msgid) for msgid in ids), (message.id, string)
            assert string.count("\n") == ids[0].count("\n"), message.id
            assert string.startswith("  ") == ids[0].startswith("  "), message.id  # indented lines stay so


def test_the_placeholder_check_fails_on_a_lost_placeholder():
    """The comparison above tells a catalogue that dropped or renamed a placeholder."""
    assert _placeholders("{label} 正确（最大误差 {error}）。") == _placeholders("{label} is correct (largest error {error}).")
    assert _placeholders("{label} 正确。") != _placeholders("{label} is correct (largest error {error}).")
    assert _placeholders("{label} 正确（最大误差 {eror}）。") != _placeholders("{label} is correct (largest error {error}).")


def test_the_shipped_mo_is_the_compiled_po():
    """utils.mo (what gettext reads) holds exactly the messages of utils.po: recompile after editing it."""
    def entries(catalog):
        def key(value):
            return tuple(value) if isinstance(value, (list, tuple)) else value
        return {key(m.id): key(m.string) for m in catalog if m.id}

    assert entries(read_mo(MO.open("rb"))) == entries(read_po(PO.open("rb")))


def test_the_catalogue_holds_exactly_the_messages_of_the_code():
    """Every message the code marks (pybabel extract) is in the catalogue, and nothing else."""
    from babel.messages.extract import extract_from_dir

    root = Path(checking.__file__).resolve().parent
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    marked = {message[2] if isinstance(message[2], str) else tuple(message[2])
              for message in extract_from_dir(str(root), method_map=[("**.py", "python")], keywords=keywords)}
    catalog = {message.id for message in read_po(PO.open("rb")) if message.id}
    assert marked == catalog, (sorted(map(str, marked - catalog)), sorted(map(str, catalog - marked)))


def test_the_nondeterministic_text_starts_with_its_own_heading_in_chinese():
    """is_nondeterministic recognises describe_exception's text by its heading: both must agree in the catalogue."""
    with using_language("zh"):
        heading = _(checking.NONDETERMINISTIC)
        full = describe_exception(checking.NondeterministicOutput("x"))
    assert full.startswith(heading + "：")


def test_a_language_without_a_compiled_catalogue_falls_back_to_english(tmp_path):
    from utils.i18n import translator

    translate = translator(localedir=tmp_path, lang="zh")
    assert translate("All {count} cases passed.") == "All {count} cases passed."


def test_the_capstone_loader_explains_a_missing_level_in_chinese(tmp_path):
    """utils.own_layers (the capstone's loader of the student's own layers): its problems and choices in Chinese."""
    from utils.own_layers import OwnLayersError, load_own_layers

    missing = tmp_path / "conv_pool_backward"
    with using_language("zh"), pytest.raises(OwnLayersError) as raised:
        load_own_layers(folder=missing)
    text = str(raised.value).replace(str(missing.resolve()), " ")
    assert text.startswith("在") and "找不到你的 conv_pool_backward 文件夹" in text
    assert english_words(text) == [], text
    missing.mkdir()
    with using_language("zh"), pytest.raises(OwnLayersError) as raised:
        load_own_layers(folder=missing)
    text = str(raised.value).replace(str(missing), " ")
    assert "没有哪个代码单元定义了 `class Convolution`" in text and "后备方案" in text
    assert english_words(text) == [], text
    assert all(chinese_or_code(line) for line in text.splitlines()), text
