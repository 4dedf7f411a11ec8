"""Diagnosis by experiment (graders/core/probes.py, utils/probing.py): the design of the probes, the rules that keep
a hint from naming what the evidence does not show, when probes run, and one diagnosis wherever the code runs.

The corpus (tests/test_corpus.py) measures the hints on answers in real styles; these tests pin the rules.
"""
import re
from pathlib import Path

import numpy as np
import pytest

from graders.core.cases import random_cases
from graders.core.check import check, grade_cases, reference_outputs, run_in_process
from graders.core.mistakes import get_mistake
from graders.core.probes import probe_cases
from graders.core.seeds import course_seeds
from repo_course import ASSIGNMENT, EXERCISES
from solutions import Convolution, MaxPool
from utils.probing import ORDER, Run, experiment_findings, factors

SEEDS = course_seeds("probing test secret", "probe-student", ASSIGNMENT)


@pytest.mark.parametrize("method", list(EXERCISES))
def test_each_probe_changes_one_factor_of_the_base(method):
    probes = probe_cases(method)
    assert probes[0].name == "base"
    base = factors(method, probes[0].params, probes[0].inputs)
    assert not any(base[name] for name in ("padding", "overlap", "non_square", "ties") if name in base)
    assert all(base[name] for name in ("batch", "channels", "filters") if name in base)
    varied = set()
    for probe in probes[1:]:
        changed = {name for name, value in factors(method, probe.params, probe.inputs).items() if base[name] != value}
        assert len(changed) <= 1, (probe.name, changed)
        varied |= changed
    assert varied == set(base)  # every factor has its experiment


def _runs(cls, method, seeds=SEEDS):
    exercise = EXERCISES[method]
    runs = []
    for probe, cases in ((False, random_cases(method, seeds)), (True, probe_cases(method))):
        produced = run_in_process(cls, method)(cases)
        for case, item in zip(cases, produced):
            outputs, error = (None, item) if isinstance(item, str) else (item, None)
            runs.append(Run(case.name, dict(case.params), case.inputs, reference_outputs(exercise, case), outputs,
                            error, probe))
    return runs


@pytest.mark.parametrize("cls, method", [(Convolution, "Convolution.backward"), (MaxPool, "MaxPool.backward")])
def test_the_reference_gives_no_finding(cls, method):
    assert experiment_findings(method, _runs(cls, method)) == []


class HalfDx(MaxPool):
    def backward(self, dout):
        return 0.5 * MaxPool.backward(self, dout)


class DxOverN(MaxPool):
    def backward(self, dout):
        return MaxPool.backward(self, dout) / dout.shape[0]


def test_a_constant_factor_is_told_apart_from_a_division_by_the_batch_size():
    # The probes hold N = 1, 2 and 3: 1/N and 1/2 give different evidence.
    [half] = experiment_findings("MaxPool.backward", _runs(HalfDx, "MaxPool.backward"))
    assert half.name == "probe_scale" and "times 0.5" in half.hint
    [per_image] = experiment_findings("MaxPool.backward", _runs(DxOverN, "MaxPool.backward"))
    assert per_image.name == "probe_divided_by_batch"


class WrongWithPaddingAndOnNonSquare(MaxPool):
    """Two bugs: wrong with padding, and wrong on non-square windows."""

    def backward(self, dout):
        dx = MaxPool.backward(self, dout)
        return dx + 1.0 if (self.pad > 0 or self.pool_h != self.pool_w) else dx


class WrongWithPaddingAndOnOneGradedCase(MaxPool):
    """Wrong with padding, and also on the graded `size_not_divisible` case, which has no padding."""

    def backward(self, dout):
        dx = MaxPool.backward(self, dout)
        return dx + 1.0 if (self.pad > 0 or self.x.shape == (2, 3, 8, 6)) else dx


def test_a_factor_is_named_only_when_every_failing_run_has_it():
    names = [f.name for f in experiment_findings("MaxPool.backward",
                                                 _runs(WrongWithPaddingAndOnNonSquare, "MaxPool.backward"))]
    assert names == ["probe_padding", "probe_non_square"]
    # a failure that no implicated factor explains: the evidence is mixed, no factor is named
    names = [f.name for f in experiment_findings("MaxPool.backward",
                                                 _runs(WrongWithPaddingAndOnOneGradedCase, "MaxPool.backward"))]
    assert "probe_padding" not in names


def test_probes_run_only_when_a_failure_is_left_unexplained():
    calls = []

    def recording(cls, method):
        run = run_in_process(cls, method)

        def probes(cases):
            calls.append(method)
            return run(cases)
        return probes

    for cls, method in [(MaxPool, "MaxPool.backward"), (get_mistake("pool_average").cls, "MaxPool.backward")]:
        cases = random_cases(method, SEEDS)
        report = grade_cases(method, cases, run_in_process(cls, method)(cases), run_probes=recording(cls, method))
        assert report.findings == []
    assert calls == []  # correct, then explained by the catalogue: no probe ran
    cases = random_cases("MaxPool.backward", SEEDS)
    report = grade_cases("MaxPool.backward", cases, run_in_process(HalfDx, "MaxPool.backward")(cases),
                         run_probes=recording(HalfDx, "MaxPool.backward"))
    assert calls == ["MaxPool.backward"] and report.findings


class SquareOnly(Convolution):
    """Uses FH for both sides of the window: right when the filter is square, raises when it is not."""

    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        from utils import col2im
        d = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = d.sum(0)
        self.dW = (self.col.T @ d).T.reshape(FN, C, FH, FW)
        return col2im(d @ self.col_W.T, self.x.shape, FH, FH, self.stride, self.pad)


def test_the_findings_reach_the_json_and_the_feedback_after_the_catalogue():
    report = check("Convolution.backward", SquareOnly, SEEDS)
    entry = report.to_dict()
    assert [d["name"] for d in entry["diagnosis"]] == ["probe_non_square"]
    assert entry["diagnosis"][0]["title"] == "your code fails only when the window is not square"
    assert "What the experiments show: your code fails only when the window is not square" in entry["feedback"]
    assert report.score < 5.0 and "FH != FW" in entry["feedback"]


def test_a_result_that_changes_between_runs_is_named():
    class Flaky(MaxPool):
        calls = 0

        def backward(self, dout):
            Flaky.calls += 1
            return MaxPool.backward(self, dout) * (1 + Flaky.calls % 2)

    entry = check("MaxPool.backward", Flaky, SEEDS).to_dict()
    assert [d["name"] for d in entry["diagnosis"]] == ["probe_nondeterministic"]


def test_the_sandbox_and_this_process_give_the_same_diagnosis():
    """The engine's path (the student's code in the sandbox, probes there too) names what check names."""
    from corpus_answers import load_corpus
    from graders.engine.sandbox import Sandbox, SandboxCase

    chosen = {"conv/loops_fh_for_fw", "maxpool/loops_ignore_padding", "maxpool/cs231n_mask_assign", "maxpool/book"}
    entries = [entry for entry in load_corpus() if entry.name in chosen]
    assert len(entries) == len(chosen)
    box = Sandbox()
    try:
        for entry in entries:
            source, name = entry.answer.source, entry.answer.class_name

            def in_box(cases):
                plan = EXERCISES[entry.method].plan
                run = box.run(source, name, [SandboxCase(plan, c.params, c.inputs) for c in cases])
                return [o.error if o.error is not None else o.outputs for o in run.cases]

            cases = random_cases(entry.method, SEEDS)
            boxed = grade_cases(entry.method, cases, in_box(cases), run_probes=in_box).to_dict()
            here = check(entry.method, entry.answer.load_class(), SEEDS).to_dict()
            assert boxed["diagnosis"] == here["diagnosis"], entry.name
            assert boxed["score"] == here["score"]
    finally:
        box.close()


def test_the_docs_list_every_finding():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "grading.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`(probe_[a-z_]+)`", doc))
    assert listed == set(ORDER)
