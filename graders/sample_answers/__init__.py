"""Answers as students write them, right and wrong, for tests, the demo and the nbgrader checks.

``conv/*.py`` answer Convolution.backward, ``maxpool/*.py`` MaxPool.backward. Each file holds only
what a student writes: ``def backward(self, dout):`` with the answer between the Begin and End
lines. ``Answer.source`` splices it into the class as released (``graders.engine.notebook.class_template``,
made from ``solutions``), so the given __init__ and forward exist once, in ``solutions/layers.py``.
The file's docstring's first line says what the grader must conclude:

    expected: correct
    expected: wrong <mistake name>      (a name from graders.core.mistakes: the diagnosis must find it)
    expected: wrong unknown             (wrong in a way the catalogue does not know)

The wrong ones are written differently from the catalogue's own implementations (loops,
einsum, fancy indexing ...), so that they test the diagnosis, not its copy.
"""
import ast
import linecache
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graders.exercises import EDUCODER_BEGIN, educoder_region
from utils import col2im, im2col

HERE = Path(__file__).resolve().parent
FOLDERS = {"Convolution.backward": "conv", "MaxPool.backward": "maxpool"}


@dataclass(frozen=True)
class Answer:
    """One sample answer.

    - name: "conv/einsum"
    - text: the file's text (a docstring and ``def backward`` with the Begin/End region)
    - expected: "correct" or "wrong"
    - mistake: the catalogued mistake's name, "unknown", or None when correct
    - path: the file
    """
    name: str
    text: str
    expected: str
    mistake: str = None
    path: Path = None

    @property
    def class_name(self):
        return "Convolution" if self.name.startswith("conv/") else "MaxPool"

    @property
    def method(self):
        return f"{self.class_name}.backward"

    @property
    def body(self):
        """The lines strictly between the Begin and End markers, indented as in a class's method."""
        lines = self.text.splitlines(keepends=True)
        begin, end = educoder_region(lines, str(self.path or self.name))
        body = textwrap.dedent("".join(lines[begin + 1:end]))
        return textwrap.indent(body, " " * 8, lambda line: line.strip() != "")

    @property
    def source(self):
        """The whole class as the student leaves it in the notebook: the released class, answer spliced in."""
        from graders.engine.notebook import class_template  # graders.engine.notebook imports solutions: only when needed
        template = class_template(self.method)
        return template.replace(EDUCODER_BEGIN + "\n", EDUCODER_BEGIN + "\n" + self.body, 1)

    def load_class(self):
        """Execute the source as a notebook would and return the class (Convolution or MaxPool).

        The source is registered with linecache, so tracebacks show the answer's lines.
        """
        filename = f"<sample answer {self.name}>"
        source = self.source
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        namespace = {"np": np, "im2col": im2col, "col2im": col2im, "__name__": f"sample_answer_{self.name}"}
        exec(compile(source, filename, "exec"), namespace)
        return namespace[self.class_name]


def _parse_expected(path, source):
    docstring = ast.get_docstring(ast.parse(source)) or ""
    first = docstring.strip().splitlines()[0] if docstring.strip() else ""
    words = first.split()
    if len(words) == 2 and words == ["expected:", "correct"]:
        return "correct", None
    if len(words) == 3 and words[:2] == ["expected:", "wrong"]:
        return "wrong", words[2]
    raise ValueError(f"{path}: the docstring must start with 'expected: correct' or "
                     f"'expected: wrong <mistake name or unknown>', found {first!r}")


def load_answers(method):
    """The sample answers to ``method`` ("Convolution.backward" or "MaxPool.backward"), by file name."""
    if method not in FOLDERS:
        raise ValueError(f"no sample answers for {method!r}; there are answers for {', '.join(FOLDERS)}")
    folder = FOLDERS[method]
    answers = []
    for path in sorted((HERE / folder).glob("*.py")):
        text = path.read_text(encoding="utf-8")
        expected, mistake = _parse_expected(path, text)
        answers.append(Answer(f"{folder}/{path.stem}", text, expected, mistake, path))
    return answers
