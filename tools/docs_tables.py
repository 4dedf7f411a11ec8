"""Regenerate the docs' tables from the code: ``python tools/docs_tables.py`` (``--check``: only say whether
they are current; tests/test_docs_tables.py runs it).

A generated table sits in a markdown file between the lines

    <!-- generated: <table name> -->
    <!-- end generated -->

and is rewritten in place; everything else in the file is left alone. The tables:

- ``exercise-fields``, ``case-fields``: the keys of an exercise folder's exercise.toml and cases.toml
  (graders/exercises/spec_files.py: SPEC_FIELDS, CASE_FIELDS);
- ``project-fields``: the keys of a project folder's project.toml (graders/exercises/project.py: PROJECT_FIELDS),
  ``projects``: the projects of this repository's course and their tests;
- ``course-settings``: course.toml's settings and their defaults (graders/exercises/course_file.py);
- ``exercises``: every exercise of this repository's course and the built-in folders;
- ``cases``, ``mistakes``: every exercise's cases (sizes, description) and its catalogue of mistakes.
"""
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from graders.exercises import load_course  # noqa: E402
from graders.exercises.course_file import COURSE_SETTINGS, EXERCISE_SETTINGS  # noqa: E402
from graders.exercises.project import PROJECT_FIELDS  # noqa: E402
from graders.exercises.spec_files import CASE_FIELDS, SPEC_FIELDS  # noqa: E402

DOCS = ["docs/adding-an-exercise.md", "docs/course.md", "docs/grading.md"]
BLOCK = re.compile(r"(<!-- generated: ([\w-]+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _exercises():
    """Every exercise: the course's (in course.toml's order), then the built-in folders it does not use."""
    course = load_course(REPO / "assignments")
    seen, found = set(), []
    for exercise in course.all_exercises():
        if exercise.folder.id not in seen:
            seen.add(exercise.folder.id)
            found.append(exercise)
    found += [course.exercise(fid) for fid in course.folders if fid not in seen]
    return course, found


def _where_mistakes_fail(exercise):
    """{mistake name: "all cases" or the cases it fails, "(raises)" when it raises}, on the public cases."""
    from graders.core.cases import random_cases
    from graders.core.check import reference_outputs
    from graders.core.diagnose import run_mistake
    from graders.core.seeds import public_seeds
    from utils.checking import same_values

    cases = random_cases(exercise, public_seeds(exercise.assignment or "docs"))
    references = [reference_outputs(exercise, case) for case in cases]
    found = {}
    for mistake in exercise.mistakes:
        failing, raises = [], False
        for case, reference in zip(cases, references):
            outputs, error = run_mistake(mistake, case)
            raises = raises or error is not None
            if error is not None or not all(same_values(outputs.get(name), value, exercise.atol)
                                            for name, value in reference.items()):
                failing.append(case.name)
        where = "all cases" if len(failing) == len(cases) else ", ".join(f"`{name}`" for name in failing) or "none"
        found[mistake.name] = where + (" (raises)" if raises else "")
    return found


def tables():
    """{table name: markdown}."""
    course, exercises = _exercises()
    used = {}
    for assignment, members in course.assignments.items():
        for level, exercise in enumerate(members, start=1):
            used.setdefault(exercise.folder.id, []).append(f"{assignment} (level {level})")
    out = {
        "exercise-fields": _table(["key", "required", "type", "meaning"],
                                  [(f"`{f.key}`", "yes" if f.required else "no", f.kind, f.help) for f in SPEC_FIELDS]),
        "case-fields": _table(["key", "required", "type", "meaning"],
                              [(f"`{f.key}`", "yes" if f.required else "no", f.kind, f.help) for f in CASE_FIELDS]),
        "project-fields": _table(["key", "required", "type", "meaning"],
                                 [(f"`{f.key}`", "yes" if f.required else "no", f.kind, f.help)
                                  for f in PROJECT_FIELDS]),
        "projects": _table(["assignment", "folder", "notebook", "tests (points)", "module"],
                           [(f"`{a}`", f"`{p.id}`", f"`{p.notebook}.ipynb`",
                             ", ".join(f"`{t.name}` ({t.points:g})" for t in p.tests), f"`{p.module_name}`")
                            for a, p in course.projects.items()]),
        "course-settings": _table(["table", "key", "default", "type", "meaning"],
                                  [("`[course]`", f"`{s.key}`", f"`{s.default!r}`".replace("'", '"'), s.kind, s.help)
                                   for s in COURSE_SETTINGS]
                                  + [("`[defaults]`, `[assignments.settings.<exercise>]`", f"`{s.key}`",
                                      "(see meaning)" if s.default is None else f"`{s.default!r}`", s.kind, s.help)
                                     for s in EXERCISE_SETTINGS]),
        "exercises": _table(["exercise", "folder", "class.method", "points", "outputs judged", "cases", "mistakes",
                             "in"],
                            [(e.folder.spec.get("title", e.name), f"`{e.folder.id}`", f"`{e.name}`", f"{e.points:g}",
                              ", ".join(e.outputs), len(e.case_specs), len(e.mistakes),
                              ", ".join(used.get(e.folder.id, ["(no assignment)"]))) for e in exercises]),
    }
    cases, mistakes = [], []
    for e in exercises:
        cases.append(f"**{e.name}**\n\n")
        cases.append(_table(["case", "sizes", "what it checks"],
                            [(f"`{s.name}`", s.setting, s.description) for s in e.case_specs]) + "\n")
        if e.mistakes:
            fails = _where_mistakes_fail(e)
            mistakes.append(f"**{e.name}**\n\n")
            mistakes.append(_table(["name", "mistake", "fails", "hint given to the student"],
                                   [(f"`{m.name}`", m.title, fails[m.name], m.hint) for m in e.mistakes]) + "\n")
    out["cases"] = "".join(cases).rstrip("\n") + "\n"
    out["mistakes"] = "".join(mistakes).rstrip("\n") + "\n"
    return out


def render(text, generated):
    """``text`` with every generated block replaced; KeyError for a block name no table has."""
    def replace(match):
        return match.group(1) + generated[match.group(2)] + match.group(4)
    return BLOCK.sub(replace, text)


def main(argv=None):
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    generated = tables()
    stale = []
    for name in DOCS:
        path = REPO / name
        text = path.read_text(encoding="utf-8")
        new = render(text, generated)
        if new != text:
            stale.append(name)
            if not check:
                path.write_text(new, encoding="utf-8")
    if check and stale:
        print(f"stale generated tables in {', '.join(stale)}: run python tools/docs_tables.py", file=sys.stderr)
        return 1
    print(("updated " + ", ".join(stale)) if stale else "the docs' tables are current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
