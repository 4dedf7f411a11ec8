"""The corpus of answers in the styles of real ones (tests/corpus/): loading, labelling by oracle, measuring.

Used by tests/test_corpus.py and benchmarks/bench_diagnosis.py. See tests/corpus/README.md for the format.
"""
import ast
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import oracles
from graders.sample_answers import SampleAnswer as Answer

CORPUS = Path(__file__).resolve().parent / "corpus"
FOLDERS = {"conv": "Convolution.backward", "maxpool": "MaxPool.backward"}


@dataclass(frozen=True)
class CorpusAnswer:
    answer: Answer      # name "conv/book", splices into the released class like a sample answer
    verdict: str        # "correct" or "wrong"
    bug: str
    hints: frozenset    # the diagnosis names that are right for this bug
    style: str

    @property
    def name(self):
        return self.answer.name

    @property
    def method(self):
        return self.answer.method


def _field(docstring, key, path):
    match = re.search(rf"^{key}:(.*)$", docstring, re.MULTILINE)
    if match is None:
        raise ValueError(f"{path}: the docstring has no {key!r} line")
    return match.group(1).strip()


def load_corpus():
    """Every answer of tests/corpus/, conv then maxpool, by file name."""
    answers = []
    for folder in FOLDERS:
        for path in sorted((CORPUS / folder).glob("*.py")):
            text = path.read_text(encoding="utf-8")
            doc = ast.get_docstring(ast.parse(text)) or ""
            verdict = _field(doc, "verdict", path)
            if verdict not in ("correct", "wrong"):
                raise ValueError(f"{path}: verdict must be correct or wrong, not {verdict!r}")
            answer = Answer(f"{folder}/{path.stem}", text, verdict, None, path, None, FOLDERS[folder])
            answers.append(CorpusAnswer(answer, verdict, _field(doc, "bug", path),
                                        frozenset(_field(doc, "hints", path).split()), _field(doc, "style", path)))
    return answers


# ---------------------------------------------------------------- the oracle's label

def _ties_x(shape, rng):
    return np.maximum(rng.integers(-2, 3, size=shape), 0).astype(np.float64)


def oracle_verdict(cls, method):
    """"correct" when the class agrees with the loop definitions (tests/oracles.py) to 1e-5 on every geometry
    of oracles.GEOMETRIES (and, for pooling, on tied maxima too), else "wrong". Never uses the grader."""
    for geometry in oracles.GEOMETRIES:
        rng = oracles.seeded_rng("corpus", geometry)
        fh, fw, stride, pad = geometry.window
        N, C = geometry.x_shape[:2]
        inputs = [rng.standard_normal(geometry.x_shape)]
        if method.startswith("MaxPool"):
            inputs.append(_ties_x(geometry.x_shape, rng))
        for x in inputs:
            try:
                if method.startswith("Convolution"):
                    FN = geometry.filters + 1  # FN != C, so that a mixed-up axis shows
                    W = rng.standard_normal((FN, C, fh, fw))
                    b = rng.standard_normal(FN)
                    dout = rng.standard_normal((N, FN, *geometry.out_shape))
                    layer = cls(W.copy(), b.copy(), stride, pad)
                    layer.forward(x.copy())
                    got = (layer.backward(dout.copy()), layer.dW, layer.db)
                    expected = oracles.conv_backward(x, W, dout, stride, pad)
                else:
                    dout = rng.standard_normal((N, C, *geometry.out_shape))
                    layer = cls(fh, fw, stride, pad)
                    layer.forward(x.copy())
                    got = (layer.backward(dout.copy()),)
                    expected = (oracles.max_pool_backward(x, dout, fh, fw, stride, pad),)
            except Exception:
                return "wrong"
            for value, reference in zip(got, expected):
                if not isinstance(value, np.ndarray) or value.shape != reference.shape:
                    return "wrong"
                with np.errstate(all="ignore"):
                    if not np.all(np.abs(value.astype(np.float64) - reference) <= 1e-5):
                        return "wrong"
    return "correct"


# ---------------------------------------------------------------- the grader on the corpus

@dataclass
class Outcome:
    """What the grader and the self-check concluded about one answer."""
    entry: CorpusAnswer
    oracle: str           # the oracle's verdict
    passed: bool          # the grader's verdict
    score: float
    names: list           # tests[].diagnosis names, most specific first
    selfcheck_titles: list = None  # the hint titles the self-check printed
    grader_titles: list = None     # the hint titles of the grader's feedback on the same (public) inputs

    @property
    def hinted(self):
        """A wrong answer that got at least one right hint."""
        return self.entry.verdict == "wrong" and bool(set(self.names) & self.entry.hints)

    @property
    def wrong_hints(self):
        """Names given that are not right for this bug."""
        return [name for name in self.names if name not in self.entry.hints]


def hint_titles(feedback):
    """The titles of the hints in a feedback text (catalogue and experiments)."""
    heads = ("Likely mistake: ", "What the experiments show: ")
    titles = []
    for line in feedback.splitlines():
        for head in heads:
            if line.startswith(head):
                titles.append(re.sub(r" \(in \d+ cases?\)$", "", line[len(head):]))
    return titles


def evaluate(entry, seeds, cases_file=None):
    """Grade one corpus answer as the engine does (check, the same grade_cases) and, with cases_file, run
    the self-check on the public cases and the grader on the same public inputs."""
    import contextlib
    import io

    from graders.core.check import check
    from graders.core.seeds import public_seeds
    from repo_course import ASSIGNMENT
    from utils.selfcheck import self_check

    cls = entry.answer.load_class()
    report = check(entry.method, cls, seeds)
    outcome = Outcome(entry, oracle_verdict(cls, entry.method), report.passed, report.score,
                      [m.name for m in report.diagnosis])
    if cases_file is not None:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self_check(cls, entry.method, cases_file)
        outcome.selfcheck_titles = hint_titles(out.getvalue())
        outcome.grader_titles = hint_titles(check(entry.method, cls, public_seeds(ASSIGNMENT)).feedback)
    return outcome


def summary(outcomes):
    """The figures: verdicts right, wrong answers hinted, wrong hints, self-check agreement."""
    wrong = [o for o in outcomes if o.entry.verdict == "wrong"]
    known = [o for o in wrong if o.entry.hints]
    agree = [o for o in outcomes if o.selfcheck_titles is not None]
    return {
        "answers": len(outcomes),
        "correct answers": sum(o.entry.verdict == "correct" for o in outcomes),
        "labels agreeing with the oracle": sum(o.oracle == o.entry.verdict for o in outcomes),
        "verdicts right": sum(o.passed == (o.entry.verdict == "correct") for o in outcomes),
        "wrong answers": len(wrong),
        "wrong answers with a right hint": sum(o.hinted for o in wrong),
        "wrong answers whose bug has a known hint": len(known),
        "known-bug answers with a wrong hint": sum(bool(o.wrong_hints) for o in known),
        "answers with any wrong hint": sum(bool(o.wrong_hints) for o in outcomes),
        "self-check and grader agree": sum(o.selfcheck_titles == o.grader_titles for o in agree),
        "compared with the self-check": len(agree),
    }
