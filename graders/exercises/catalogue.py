"""What an exercise folder's Python files declare: the mistake catalogue (``@mistake`` in mistakes.py)
and the sample answers (answers/*.py, demo/*.py, with what the grader must conclude of each).
"""
import ast
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from graders.exercises.markers import method_regions
from graders.exercises.spec_files import ExerciseFormatError

# ---------------------------------------------------------------- mistakes

@dataclass(frozen=True)
class Mistake:
    """A classic mistake, as a real wrong implementation.

    - name: stable id ("conv_overwrite": JSON, tests); method: the exercise ("Convolution.backward")
    - title: what went wrong, in a few words; hint: a question or nudge towards the fix, never the code
    - cls: a subclass of the reference class whose method makes the mistake
    - doc: the wrong function's docstring (the misconception, for the docs' tables)
    """
    name: str
    method: str
    title: str
    hint: str
    cls: type = field(repr=False, compare=False, default=None)
    doc: str = field(repr=False, compare=False, default="")
    plan: dict = field(repr=False, compare=False, default=None)  # how a case runs it: its exercise's plan


@dataclass(frozen=True)
class MistakeDef:
    """What ``@mistake`` leaves in a mistakes.py: the wrong method and its words, before binding."""
    name: str
    title: str
    hint: str
    function: object


def mistake(name, title, hint):
    """Decorate a wrong version of the exercise's method in a folder's mistakes.py.

        @mistake("conv_db_mean", "db averaged instead of summed",
                 "b was added to every window's output ... added up or averaged?")
        def db_mean(self, dout):
            '''The bias gradient taken as a mean over windows.'''
            ...

    The function is the method as a student with that misconception writes it; the platform makes
    it the method of a subclass of the reference class. Catalogue order = definition order: when
    two mistakes explain the same wrong output, the earlier is named.
    """
    def wrap(function):
        if not callable(function):
            raise TypeError(f"@mistake({name!r}) decorates a function (the wrong method)")
        return MistakeDef(name, title, hint, function)
    return wrap


# ---------------------------------------------------------------- sample answers

@dataclass(frozen=True)
class Answer:
    """One sample answer: what a student writes, with what the grader must conclude.

    The file holds ``def <method>(self, ...):`` with the answer between the Begin and End lines; its
    docstring's first line is ``expected: correct``, ``expected: wrong <mistake name | unknown>`` or,
    in demo/, ``expected: zero`` (hostile code: 0 points, nothing else harmed).

    - name: "<exercise id>/<file stem>"; exercise: the folder's id; method: "Convolution.backward"
    """
    name: str
    text: str
    expected: str
    mistake: str = None
    path: Path = None
    exercise: str = None
    method: str = None

    @property
    def class_name(self):
        return self.method.split(".")[0]

    @property
    def body(self):
        """The lines strictly between the Begin and End markers, indented as in a class's method."""
        lines = self.text.splitlines(keepends=True)
        regions = method_regions([line.rstrip("\n") for line in lines], str(self.path or self.name))
        method_name = self.method.split(".", 1)[1]
        if method_name not in regions:
            raise ExerciseFormatError(f"{self.path}: no Begin/End region in def {method_name}")
        begin, end = regions[method_name]
        body = textwrap.dedent("".join(lines[begin + 1:end]))
        return textwrap.indent(body, " " * 8, lambda line: line.strip() != "")


def parse_expected(path, source, allowed):
    try:
        docstring = ast.get_docstring(ast.parse(source)) or ""
    except SyntaxError as exc:
        raise ExerciseFormatError(f"{path}: not Python ({exc.msg}, line {exc.lineno})") from None
    first = docstring.strip().splitlines()[0] if docstring.strip() else ""
    words = first.split()
    if words[:1] == ["expected:"] and len(words) == 2 and words[1] in allowed and words[1] != "wrong":
        return words[1], None
    if words[:2] == ["expected:", "wrong"] and len(words) == 3 and "wrong" in allowed:
        return "wrong", words[2]
    wanted = " or ".join(f"'expected: {a}'" if a != "wrong" else "'expected: wrong <mistake name or unknown>'"
                         for a in allowed)
    raise ExerciseFormatError(f"{path}: the docstring must start with {wanted}, found {first!r}")
