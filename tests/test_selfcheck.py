"""The students' self-check: the practice-cases file and utils.selfcheck.self_check.

Oracles: tests/oracles.py's loops for the stored expected outputs; the grader's own report on the
same public inputs for the words (the self-check must say what the grader says).
"""
import json
import subprocess
import sys

import numpy as np
import pytest

import oracles
from graders.core.cases import case_specs, random_cases
from graders.core.check import check
from repo_course import EXERCISES
from graders.core.mistakes import mistakes_for
from graders.core.public_cases import write_public_cases
from graders.sample_answers import load_answers
from graders.core.seeds import course_seeds, public_seeds
from solutions import Convolution, MaxPool
from utils.selfcheck import self_check

ASSIGNMENT = "conv_pool_backward"
MISTAKES = [mistake for exercise in EXERCISES.values() for mistake in exercise.mistakes]  # the assignment's


@pytest.fixture(scope="module")
def cases_file(tmp_path_factory):
    return write_public_cases(tmp_path_factory.mktemp("course") / "selfcheck_cases.npz", ASSIGNMENT)


@pytest.fixture(scope="module")
def stored(cases_file):
    with np.load(cases_file, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    return json.loads(str(arrays.pop("meta"))), arrays


def test_the_file_has_flat_keys_and_json_meta(stored):
    meta, arrays = stored
    assert meta["format"] == "backprop-lab selfcheck cases" and meta["assignment"] == ASSIGNMENT
    assert set(meta["exercises"]) == set(EXERCISES)
    for method, exercise in meta["exercises"].items():
        assert [case["name"] for case in exercise["cases"]] == [spec.name for spec in case_specs(method)]
        assert [m["name"] for m in exercise["mistakes"]] == [m.name for m in mistakes_for(method)]
        assert all(m["title"] and "?" in m["hint"] for m in exercise["mistakes"])
        for case in exercise["cases"]:
            prefix = f"{method}/{case['name']}"
            assert case["description"] and case["setting"].startswith("x (")
            for name in case["inputs"]:
                assert arrays[f"{prefix}/{name}"].dtype == np.float64
            for name in exercise["outputs"]:
                assert f"{prefix}/expected/{name}" in arrays
    assert "Convolution.backward/overlap/x" in arrays and "MaxPool.backward/ties/expected/dx" in arrays


def test_the_stored_expected_outputs_are_the_definitions_gradients(stored):
    meta, arrays = stored
    for case in meta["exercises"]["Convolution.backward"]["cases"]:
        get = lambda name: arrays[f"Convolution.backward/{case['name']}/{name}"]
        p = case["params"]
        dx, dW, db = oracles.conv_backward(get("x"), get("W"), get("dout"), p["stride"], p["pad"])
        for name, value in (("dx", dx), ("dW", dW), ("db", db)):
            np.testing.assert_allclose(get(f"expected/{name}"), value, rtol=0, atol=1e-12)
    for case in meta["exercises"]["MaxPool.backward"]["cases"]:
        get = lambda name: arrays[f"MaxPool.backward/{case['name']}/{name}"]
        p = case["params"]
        dx = oracles.max_pool_backward(get("x"), get("dout"), p["pool_h"], p["pool_w"], p["stride"], p["pad"])
        np.testing.assert_allclose(get("expected/dx"), dx, rtol=0, atol=1e-12)


def test_the_practice_inputs_are_public_not_grading(stored):
    meta, arrays = stored
    grading = random_cases("Convolution.backward", course_seeds("any secret", "alice", ASSIGNMENT))
    public = random_cases("Convolution.backward", public_seeds(ASSIGNMENT))
    for g, p in zip(grading, public):
        stored_x = arrays[f"Convolution.backward/{p.name}/x"]
        assert np.array_equal(stored_x, p.inputs["x"]) and not np.array_equal(stored_x, g.inputs["x"])


def test_stored_mistake_outputs_differ_from_the_expected_ones(stored):
    meta, arrays = stored
    for method, exercise in meta["exercises"].items():
        for case in exercise["cases"]:
            for name, entry in case["mistakes"].items():
                assert entry["error"] or entry["differs"] or entry["none"], (case["name"], name)
                for output in entry["differs"]:
                    mistake = arrays[f"{method}/{case['name']}/mistake/{name}/{output}"]
                    expected = arrays[f"{method}/{case['name']}/expected/{output}"]
                    assert mistake.shape != expected.shape or np.max(np.abs(mistake - expected)) > 1e-5


@pytest.mark.parametrize("method, cls", [("Convolution.backward", Convolution), ("MaxPool.backward", MaxPool)])
def test_a_correct_class_passes_with_check_marks(method, cls, cases_file, capsys):
    assert self_check(cls, method, cases_file) is True
    out, err = capsys.readouterr()
    assert err == ""
    assert out.count("✓ ") == 8 and "✗" not in out and "All 8 cases passed." in out


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_every_mistake_fails_and_is_named(mistake, cases_file, capsys):
    assert self_check(mistake.cls, mistake.method, cases_file) is False
    out, err = capsys.readouterr()
    assert err == "" and "✗ " in out
    assert f"Likely mistake: {mistake.title}" in out.split("\n\n")[0]


def test_the_self_check_says_what_the_grader_says(cases_file, capsys):
    """Same public inputs, same words: the grader's lines about each case and mistake are printed."""
    for mistake in [MISTAKES[0], mistakes_for("MaxPool.backward")[0], mistakes_for("MaxPool.backward")[-1]]:
        report = check(mistake.method, mistake.cls, public_seeds(ASSIGNMENT))
        self_check(mistake.cls, mistake.method, cases_file)
        out = capsys.readouterr().out
        details = [line for line in report.feedback.splitlines() if line.startswith(("✗", "  ", "Likely"))]
        assert len(details) >= 3
        for line in details:
            assert line in out


@pytest.mark.parametrize("answer", [a for m in EXERCISES for a in load_answers(m)], ids=lambda a: a.name)
def test_sample_answers_on_the_self_check(answer, cases_file, capsys):
    result = self_check(answer.load_class(), answer.method, cases_file)
    out, err = capsys.readouterr()
    assert err == ""
    assert result is (answer.expected == "correct"), out
    if answer.mistake not in (None, "unknown"):
        title = next(m.title for m in MISTAKES if m.name == answer.mistake)
        assert f"Likely mistake: {title}" in out


@pytest.mark.parametrize("cls, method, words", [
    (None, "Convolution.backward", "self_check needs your class itself"),
    (Convolution(np.zeros((1, 1, 1, 1)), np.zeros(1)), "Convolution.backward", "needs your class itself"),
    (Convolution, "Conv.backward", "has no cases for Conv.backward"),
    (type("MaxPool", (MaxPool,), {"backward": lambda self, dout: 1 / 0}), "MaxPool.backward",
     "your code raised ZeroDivisionError: division by zero"),
    (type("MaxPool", (MaxPool,), {"backward": lambda self, dout: exit(2)}), "MaxPool.backward",
     "your code raised SystemExit: 2"),
])
def test_student_errors_are_printed_never_raised(cls, method, words, cases_file, capsys):
    assert self_check(cls, method, cases_file) is False
    out, err = capsys.readouterr()
    assert words in out and err == ""


def test_a_missing_or_broken_file_is_explained(tmp_path, capsys):
    assert self_check(MaxPool, "MaxPool.backward", tmp_path / "selfcheck_cases.npz") is False
    assert "Cannot find the practice cases selfcheck_cases.npz" in capsys.readouterr().out
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip file")
    assert self_check(MaxPool, "MaxPool.backward", broken) is False
    assert "Cannot read the practice cases" in capsys.readouterr().out
    other = tmp_path / "other.npz"
    np.savez(other, meta=np.array(json.dumps({"format": "something else"})))
    assert self_check(MaxPool, "MaxPool.backward", other) is False
    assert "is not a backprop-lab practice-cases file" in capsys.readouterr().out


def test_the_students_modules_import_nothing_of_ours():
    code = ("import sys, utils, utils.checking, utils.selfcheck; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('graders', 'solutions')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_col_of_another_shape_is_accepted_and_the_self_check_says_how_it_was_read(cases_file, capsys):
    # Educoder parity: dmax (N*out_h*out_w*C, pool_h*pool_w) passed straight to col2im is right, and the
    # self-check says in words what col2im did with it.
    from corpus_answers import load_corpus
    [entry] = [e for e in load_corpus() if e.name == "maxpool/dmax_straight"]
    assert self_check(entry.answer.load_class(), entry.method, cases_file) is True
    out = capsys.readouterr().out
    assert "Note: col2im received col of shape" in out and "as the book's (and Educoder's) col2im does" in out
    assert self_check(MaxPool, "MaxPool.backward", cases_file) is True
    assert "Note: col2im" not in capsys.readouterr().out
