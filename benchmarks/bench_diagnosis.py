"""The diagnosis on the corpus of answers in real styles (tests/corpus/), and what it costs, in one run.

    .venv/bin/python benchmarks/bench_diagnosis.py [--repeat 3]

1. grades every answer of tests/corpus/ as the engine does (graders.core.check: the same grade_cases,
   catalogue and experiments) and runs the self-check on the public cases; prints a line per answer (the
   oracle's verdict, the score, the hints named) and the figures: verdicts right, wrong answers with a right
   hint (target >= 70%), wrong hints (target 0), self-check and grader naming the same hints;
2. times the grading of the correct answers twice in the same run, through the sandbox as
   ``backprop-lab grade`` does: as the grader did before (each case run once, no probes: a runner that
   runs once) and as it does now (every case run twice to catch results that change, probes only when a
   failure is left unexplained); prints the ratio per correct submission (target: at most 1.5). The same
   in this process (the notebooks' check), where nothing but the student's code and the comparison count,
   for correct and wrong answers.

Timings depend on what else the machine is doing: both sides are measured here, interleaved. A script,
not a test (tests/test_corpus.py checks the figures of part 1).
"""
import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import tempfile  # noqa: E402

from corpus_answers import evaluate, load_corpus, summary  # noqa: E402
from graders.core import check as check_module  # noqa: E402
from graders.core.cases import random_cases  # noqa: E402
from graders.core.public_cases import write_public_cases  # noqa: E402
from graders.core.seeds import course_seeds  # noqa: E402
from graders.exercises import get_exercise  # noqa: E402
ASSIGNMENT = "conv_pool_backward"  # the assignment whose answers the corpus holds
from utils import checking  # noqa: E402

RATIO_TARGET = 1.5


def report_corpus(entries, seeds, cases_file):
    outcomes = []
    for entry in entries:
        outcome = evaluate(entry, seeds, cases_file)
        outcomes.append(outcome)
        verdict = "ok " if outcome.passed == (entry.verdict == "correct") else "BAD"
        hint = ""
        if entry.verdict == "wrong":
            hint = "hint ok" if outcome.hinted else ("no hint (none known)" if not entry.hints else "NO HINT")
        if outcome.wrong_hints:
            hint += f" WRONG: {', '.join(outcome.wrong_hints)}"
        agree = "" if outcome.selfcheck_titles == outcome.grader_titles else " self-check DIFFERS"
        print(f"  {entry.name:34s} {entry.verdict:7s} oracle {outcome.oracle:7s} {verdict} {outcome.score:4.2f}  "
              f"{', '.join(outcome.names) or '-':50s} {hint}{agree}")
    figures = summary(outcomes)
    print()
    for key, value in figures.items():
        print(f"  {key:45s} {value}")
    share = figures["wrong answers with a right hint"] / max(1, figures["wrong answers"])
    print(f"  {'share of wrong answers with a right hint':45s} {share:.0%} (target >= 70%)")
    return figures


@contextlib.contextmanager
def grading_as_before():
    """The grader before this change: one run per case, no probes (the catalogue search is unchanged)."""
    original_run_layer, original_grade_cases = checking.run_layer, check_module.grade_cases

    def run_once(cls, method, params, inputs, runs=2):
        return original_run_layer(cls, method, params, inputs, runs=1)

    def without_probes(method, cases, produced, run_probes=None):
        return original_grade_cases(method, cases, produced)

    import graders.core.runner as runner
    runner.run_layer, check_module.grade_cases = run_once, without_probes
    try:
        yield
    finally:
        runner.run_layer, check_module.grade_cases = original_run_layer, original_grade_cases


def time_grading(entries, seeds, repeat):
    """Seconds per submission, before and after, for the correct and the wrong answers (medians of repeats)."""
    classes = [(entry, entry.answer.load_class()) for entry in entries]
    for entry, _ in classes:
        random_cases(entry.method, seeds)  # warm the caches of both sides alike
    times = {("before", "correct"): [], ("after", "correct"): [], ("before", "wrong"): [], ("after", "wrong"): []}
    for _ in range(repeat):
        for side in ("before", "after"):
            context = grading_as_before() if side == "before" else contextlib.nullcontext()
            with context:
                for kind in ("correct", "wrong"):
                    chosen = [(e, c) for e, c in classes if e.verdict == kind]
                    start = time.perf_counter()
                    for entry, cls in chosen:
                        check_module.check(entry.method, cls, seeds)
                    times[(side, kind)].append((time.perf_counter() - start) / max(1, len(chosen)))
    return {key: statistics.median(values) for key, values in times.items()}


RUNNER_ONCE = """from utils.checking import run_layer


def run_case(cls, case_kind, params, inputs, runs=1):
    return run_layer(cls, case_kind, params, inputs, runs=1)
"""


def time_engine(entries, seeds, repeat, workdir):
    """Seconds per correct submission through the sandbox (run in a sandboxed worker, then grade_cases), before
    (a runner that runs each case once, no probes) and after; medians of repeats, the two interleaved."""
    from graders.engine.sandbox import Sandbox, SandboxCase

    once = Path(workdir) / "runner_once.py"
    once.write_text(RUNNER_ONCE)
    correct = [entry for entry in entries if entry.verdict == "correct"]
    jobs = []
    for entry in correct:
        cases = random_cases(entry.method, seeds)
        plan = get_exercise(entry.method).plan
        jobs.append((entry, cases, [SandboxCase(plan, case.params, case.inputs) for case in cases]))
    times = {"before": [], "after": []}
    boxes = {"before": Sandbox(runner=once), "after": Sandbox()}
    try:
        for _ in range(repeat):
            for side, box in boxes.items():
                start = time.perf_counter()
                for entry, cases, wire in jobs:
                    run = box.run(entry.answer.source, entry.answer.class_name, wire)
                    produced = [o.error if o.error is not None else o.outputs for o in run.cases]
                    if side == "before":
                        report = check_module.grade_cases(entry.method, cases, produced)
                    else:
                        def probes(probe_cases, entry=entry):
                            probe_run = box.run(entry.answer.source, entry.answer.class_name,
                                                [SandboxCase(entry.method, c.params, c.inputs) for c in probe_cases])
                            return [o.error if o.error is not None else o.outputs for o in probe_run.cases]
                        report = check_module.grade_cases(entry.method, cases, produced, run_probes=probes)
                    assert report.passed, (entry.name, report.feedback)
                times[side].append((time.perf_counter() - start) / len(jobs))
    finally:
        for box in boxes.values():
            box.close()
    return {side: statistics.median(values) for side, values in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="timing rounds (medians are printed)")
    args = parser.parse_args()
    entries = load_corpus()
    seeds = course_seeds("bench secret", "bench-student", ASSIGNMENT)
    with tempfile.TemporaryDirectory() as tmp:
        cases_file = write_public_cases(Path(tmp) / "selfcheck_cases.npz", ASSIGNMENT)
        print(f"The corpus ({len(entries)} answers, tests/corpus/): verdicts and hints")
        report_corpus(entries, seeds, cases_file)
        print()
        print(f"Grading time per method submission, {args.repeat} rounds, medians")
        engine = time_engine(entries, seeds, args.repeat, tmp)
        print(f"  sandboxed (backprop-lab grade's path), correct answers: before {engine['before'] * 1000:7.1f} ms   "
              f"after {engine['after'] * 1000:7.1f} ms   ratio {engine['after'] / engine['before']:4.2f} "
              f"(target <= {RATIO_TARGET})")
    times = time_grading(entries, seeds, args.repeat)
    for kind in ("correct", "wrong"):
        before, after = times[("before", kind)], times[("after", kind)]
        print(f"  in this process (check: run, compare, diagnose), {kind + ' answers:':16s} before "
              f"{before * 1000:7.1f} ms   after {after * 1000:7.1f} ms   ratio {after / before:4.2f}")


if __name__ == "__main__":
    main()
