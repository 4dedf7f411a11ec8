"""Take a student's answers out of a submitted notebook, and splice them into the trusted class.

Nothing here runs the student's code (nor compiles it: that happens in the sandbox).

    answers = extract_answers("submitted/alice/conv_pool_backward/conv_backward.ipynb")
    answers["Convolution.backward"]           # the lines between Begin and End

    answer = find_answer(read_notebook(path), get_exercise("Convolution.backward"))
    source, region = splice_answer(class_template(exercise), answer)

The answer to an exercise is the text between the ``########## Begin ##########`` and
``########## End ##########`` lines of its answer cell, found by the cell's nbgrader grade_id;
when that id is gone (a copied or re-created cell), by the last code cell that defines the
class. When the student deleted the Begin/End lines, the whole body of the method is taken.
Everything else in the cell (``__init__``, ``forward``) is the trusted template's: a student
cannot change what the grader's forward pass stores, and an answer that leaves its method (a line
indented back to class or module level) is refused (AnswerError) rather than run there.

Everything here reads student-controlled text in the trusted process, so all of it is linear in the
notebook's size (line by line, no pattern that can backtrack over many lines) and bounded: a notebook
larger than MAX_NOTEBOOK_BYTES, with more than MAX_CELLS cells, or an answer longer than
MAX_ANSWER_CHARS / MAX_ANSWER_LINES is refused with a message, never ground through.
"""
import ast
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path


from graders.exercises import active_course, get_exercise, method_regions
from graders.i18n import _

BEGIN = re.compile(r"^\s*#{3,}\s*Begin\s*#{3,}\s*$", re.IGNORECASE)
END = re.compile(r"^\s*#{3,}\s*End\s*#{3,}\s*$", re.IGNORECASE)
MAX_NOTEBOOK_BYTES = 50 << 20
MAX_CELLS = 5_000
MAX_ANSWER_CHARS = 200_000
MAX_ANSWER_LINES = 5_000
MAX_SIGNATURE_LINES = 30  # a `def` head split over more lines than this is not looked for


class NotebookError(ValueError):
    """A file that cannot be read as a notebook; the message says what to do about it."""


class AnswerError(ValueError):
    """A notebook in which the answer to one exercise cannot be found; the message says why."""


@dataclass(frozen=True)
class Answer:
    """The student's answer to one exercise.

    - method: "Convolution.backward"
    - code: the lines between Begin and End (without them), joined with newlines
    - cell_line: the cell line (1-based) on which ``code`` starts
    - cell: where it was found, e.g. "cell 7 (convolution_class)"
    - note: a remark for the student when the answer was found by a fallback, else None
    - whole_body: True when ``code`` is the method's whole body (the Begin/End lines were gone)
    """
    method: str
    code: str
    cell_line: int
    cell: str
    note: str = None
    whole_body: bool = False


# ---------------------------------------------------------------- reading

def read_notebook(source, name=None):
    """A notebook from a path or bytes -> its nbformat version 4 structure (a dict with "cells",
    each cell's "source" one string). Older formats are converted by nbformat.

    Raises NotebookError with a message a student can act on: not UTF-8 text, not JSON, not a
    notebook, too large.
    """
    too_large = _("{name} is larger than {megabytes} MB: clear the outputs (Kernel > Restart & Clear Output), "
                  "save and submit again")
    if isinstance(source, (bytes, bytearray)):
        data, name = bytes(source), name or _("the notebook")
    else:
        path = Path(source)
        name = name or path.name
        try:
            if path.stat().st_size > MAX_NOTEBOOK_BYTES:
                raise NotebookError(too_large.format(name=name, megabytes=MAX_NOTEBOOK_BYTES >> 20))
            data = path.read_bytes()
        except OSError as exc:
            raise NotebookError(_("{name} could not be read: {reason}").format(
                name=name, reason=exc.strerror or exc)) from None
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotebookError(too_large.format(name=name, megabytes=MAX_NOTEBOOK_BYTES >> 20))
    if not data.strip():
        raise NotebookError(_("{name} is empty: save the notebook in Jupyter and submit it again").format(name=name))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotebookError(_("{name} is not a Jupyter notebook (not UTF-8 text): submit the .ipynb file you "
                              "worked in, saved from Jupyter").format(name=name)) from None
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:
        if hasattr(exc, "lineno"):
            message = _("{name} is not a valid notebook: its JSON is broken (line {line}, column {column}). Was "
                        "it saved completely, or edited outside Jupyter? Open it in Jupyter, save, and submit "
                        "again").format(name=name, line=exc.lineno, column=exc.colno)
        else:
            message = _("{name} is not a valid notebook: its JSON is broken. Was it saved completely, or edited "
                        "outside Jupyter? Open it in Jupyter, save, and submit again").format(name=name)
        raise NotebookError(message) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells", raw.get("worksheets")), list):
        raise NotebookError(_("{name} is JSON but not a Jupyter notebook (no cells): submit the .ipynb file you "
                              "worked in").format(name=name))
    if raw.get("nbformat") == 4 and isinstance(raw.get("cells"), list):
        # What Jupyter writes today: read as it is. (Importing nbformat costs a second and a half
        # of start-up, for jsonschema, which this path does not need.)
        nb = raw
        for cell in nb["cells"]:
            if isinstance(cell, dict) and isinstance(cell.get("source"), list):
                cell["source"] = "".join(str(line) for line in cell["source"])
    else:
        import nbformat
        try:
            nb = nbformat.convert(nbformat.from_dict(raw), 4)
            nbformat.v4.nbjson.rejoin_lines(nb)
        except Exception as exc:  # nbformat raises many kinds on malformed notebooks
            raise NotebookError(_("{name} is not a valid notebook ({problem}): open it in Jupyter, save, and "
                                  "submit again").format(name=name, problem=f"{type(exc).__name__}: {exc}")) from None
    if len(nb["cells"]) > MAX_CELLS:
        raise NotebookError(_("{name} has {cells:,} cells, more than the {most:,} a notebook of this course can "
                              "have: submit the notebook you were given, with your answer in it").format(
                                  name=name, cells=len(nb["cells"]), most=MAX_CELLS))
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or not isinstance(cell.get("source", ""), str):
            raise NotebookError(_("{name} is not a valid notebook (a cell has no text): open it in Jupyter, save, "
                                  "and submit again").format(name=name))
    return nb


# ---------------------------------------------------------------- finding the answer

def _grade_id(cell):
    meta = cell.get("metadata") or {}
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None


def _defines_class(source, class_name):
    """Whether a line of ``source`` starts ``class <class_name>(`` or ``class <class_name>:``.

    Line by line: a pattern over the whole cell (``^\\s*class`` with MULTILINE) lets ``\\s*`` run over
    every following blank line from every line start, quadratic in a cell of blank lines."""
    head = re.compile(rf"class\s+{re.escape(class_name)}\s*[(:]")
    for line in source.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("class") and head.match(stripped):
            return True
    return False


DEF_LINE = re.compile(r"^\s*def\s+(\w+)\s*\(")


def _region(lines):
    """(first, last) line indexes of the first Begin line and the End line after it, or None."""
    for i, line in enumerate(lines):
        if BEGIN.match(line):
            for j in range(i + 1, len(lines)):
                if END.match(lines[j]):
                    return i, j
            return None
    return None


def _method_body(lines, method_name):
    """(first, last) line indexes of the body of ``def method_name`` in lines, or None."""
    head = re.compile(rf"^(\s*)def\s+{re.escape(method_name)}\s*\(")
    for i, line in enumerate(lines):
        match = head.match(line)
        if not match:
            continue
        indent = len(match.group(1))
        j = i
        # A signature over a few lines; bounded, so that many unfinished `def` heads stay linear.
        while not lines[j].rstrip().endswith(":") and j + 1 < min(len(lines), i + MAX_SIGNATURE_LINES):
            j += 1
        if not lines[j].rstrip().endswith(":"):
            continue
        end = j + 1
        for k in range(j + 1, len(lines)):
            text = lines[k]
            if text.strip() and len(text) - len(text.lstrip()) <= indent:
                break
            end = k + 1
        if end > j + 1:
            return j + 1, end - 1
    return None


def _method_region(lines, method_name):
    """(first, last) indexes of the Begin/End pair inside ``def method_name`` (a class cell may hold one
    region per method). Without one there: the cell's first pair, unless it belongs to another method while
    ``def method_name`` is in the cell (then None: the method's whole body is graded); None when there is none."""
    body = _method_body(lines, method_name)
    if body is not None:
        found = _region(lines[body[0]:body[1] + 1])
        if found is not None:
            return found[0] + body[0], found[1] + body[0]
    region = _region(lines)
    if region is None or body is None:
        return region
    owner = [m.group(1) for m in map(DEF_LINE.match, lines[:region[0]]) if m]
    return region if not owner or owner[-1] == method_name else None


def find_answer(nb, exercise):
    """The Answer to ``exercise`` in notebook ``nb``; AnswerError when there is none."""
    exercise = get_exercise(exercise)
    cells = [(i, cell) for i, cell in enumerate(nb["cells"]) if cell.get("cell_type") == "code"]
    by_id = [(i, cell) for i, cell in cells if _grade_id(cell) == exercise.answer_cell]
    by_class = [(i, cell) for i, cell in cells if _defines_class(cell.get("source", ""), exercise.class_name)]
    note = None
    if by_id:
        index, cell = by_id[-1]
        where = _("cell {number} ({grade_id})").format(number=index + 1, grade_id=exercise.answer_cell)
    elif by_class:
        index, cell = by_class[-1]
        where = _("cell {number}").format(number=index + 1)
        note = _("the answer cell's nbgrader id ({grade_id}) is gone; graded the last cell that defines class "
                 "{class_name} ({cell})").format(grade_id=exercise.answer_cell, class_name=exercise.class_name,
                                                 cell=where)
    else:
        raise AnswerError(_(
            "no answer to {method}: the cell with `class {class_name}` is missing from {notebook}.ipynb (deleted, "
            "or the class renamed). Copy the class cell from the released notebook and write your code between the "
            "Begin and End lines.").format(method=exercise.name, class_name=exercise.class_name,
                                           notebook=exercise.notebook))
    lines = cell.get("source", "").split("\n")
    method_name = exercise.method
    region = _method_region(lines, method_name)
    whole_body = region is None
    if region is not None:
        first, last = region
        code_lines = lines[first + 1:last]
        cell_line = first + 2
    else:
        body = _method_body(lines, method_name)
        if body is None:
            raise AnswerError(_(
                "no answer to {method} in {cell} of {notebook}.ipynb: it has neither the "
                "'########## Begin ##########' / '########## End ##########' lines nor a `def {method_name}`. "
                "Copy the class cell from the released notebook and write your code between those lines.").format(
                    method=exercise.name, cell=where, notebook=exercise.notebook, method_name=method_name))
        first, last = body
        code_lines = lines[first:last + 1]
        cell_line = first + 1
        missing = _("the Begin/End lines of {method} are missing; graded the whole body of `{method_name}` "
                    "instead. Keep those lines next time.").format(method=exercise.name, method_name=method_name)
        note = _("{note}; {more}").format(note=note, more=missing) if note else missing
    if len(code_lines) > MAX_ANSWER_LINES:
        raise AnswerError(_("the answer to {method} has {lines:,} lines, more than the {most:,} the grader reads: "
                            "remove what is not your answer (blank lines, pasted output) and submit again").format(
                                method=exercise.name, lines=len(code_lines), most=MAX_ANSWER_LINES))
    code = "\n".join(code_lines)
    if len(code) > MAX_ANSWER_CHARS:
        raise AnswerError(_("the answer to {method} is longer than {most:,} characters: remove what is not your "
                            "answer and submit again").format(method=exercise.name, most=MAX_ANSWER_CHARS))
    return Answer(exercise.name, code, cell_line, where, note, whole_body)


def extract_answers(path, exercises=None):
    """The answers in one notebook: {method: the text between Begin and End}.

    Exercises whose answer cell (or class) the notebook does not hold are left out; an answer
    cell without Begin/End lines gives the method's whole body. Raises NotebookError when the
    file is not a readable notebook.
    """
    nb = read_notebook(path)
    answers = {}
    for exercise in exercises or active_course().all_exercises():
        try:
            answers[exercise.name] = find_answer(nb, exercise).code
        except AnswerError:
            continue
    return answers


def exercises_in(nb, exercises=None):
    """The exercises (of ``exercises``, default: the active course's) whose answer cell (by id, else
    by class) the notebook holds."""
    found = []
    for exercise in exercises or active_course().all_exercises():
        for cell in nb["cells"]:
            if cell.get("cell_type") == "code" and (
                    _grade_id(cell) == exercise.answer_cell
                    or _defines_class(cell.get("source", ""), exercise.class_name)):
                found.append(exercise)
                break
    return found


# ---------------------------------------------------------------- the trusted template

STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")  # what the release has between Begin and End


def class_template(exercise, siblings=()):
    """The exercise's class as released: the reference class's source with the text between the
    exercise method's Begin and End lines removed (so no solution is left in it), and every other
    region's Begin/End lines dropped (code given to the student). Instructors' side only.

    siblings: other exercises graded in the same class cell (forward and backward both answered in
    one notebook): their regions keep the release's stub, for the student's own answers
    (splice_region); no reference code of theirs is in the template."""
    exercise = get_exercise(exercise)
    kept = {sibling.method for sibling in siblings if sibling.method != exercise.method}
    lines = exercise.folder.reference_source.rstrip("\n").split("\n")
    regions = method_regions(lines, f"the reference class of {exercise.name}")
    if exercise.method not in regions:
        raise ValueError(f"{exercise.folder.reference_file}: {exercise.class_name}.{exercise.method} has no "
                         f"Begin/End region")
    out = []
    for i, line in enumerate(lines):
        for method, (begin, end) in regions.items():
            if method == exercise.method and begin < i < end:
                break  # the exercise's answer: removed
            if method in kept and begin < i < end:
                if i == begin + 1:
                    indent = lines[begin][:len(lines[begin]) - len(lines[begin].lstrip())]
                    out += [indent + stub for stub in STUB]
                break  # a sibling's answer: the stub instead
            if method not in kept and method != exercise.method and i in (begin, end):
                break  # a given region: its code without the markers
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def splice_region(source, method, body):
    """``source`` (a class) with the lines between ``method``'s Begin and End lines replaced by ``body``
    (the answer's lines, indented as they stand in the method; a trailing newline is optional)."""
    lines = source.rstrip("\n").split("\n")
    regions = method_regions(lines, "the class")
    if method not in regions:
        raise ValueError(f"the class has no Begin/End region in def {method}")
    begin, end = regions[method]
    answer = body[:-1] if body.endswith("\n") else body
    return "\n".join(lines[:begin + 1] + answer.split("\n") + lines[end:]) + "\n"


def splice_answer(template, answer):
    """Put the student's code between the template's Begin and End lines: the one place where an
    answer is spliced into a class.

    Returns (source, region): region = {"start", "end", "cell_line"} says which lines of source
    (1-based, end exclusive) are the student's and on which cell line they start, so that
    error messages can point at the student's own line numbers.

    Raises AnswerError when the code would leave its method: a line indented back to class or module
    level would run there (rebind the class, replace ``forward``); the student is told which line.
    A region that does not parse is left to the sandbox, which reports the syntax error on the
    student's own line.
    """
    lines = template.rstrip("\n").split("\n")
    begin, end = _method_region(lines, answer.method.split(".", 1)[1])  # a class may hold several regions
    if end != begin + 1:
        raise ValueError("the template's Begin/End region must be empty")
    code = answer.code
    if answer.whole_body:
        indent = lines[begin][:len(lines[begin]) - len(lines[begin].lstrip())]
        code = textwrap.indent(textwrap.dedent(code), indent, lambda line: True)
    student = code.split("\n")
    source = "\n".join(lines[:begin + 1] + student + lines[end:]) + "\n"
    region = {"start": begin + 2, "end": begin + 2 + len(student), "cell_line": answer.cell_line}
    _check_stays_in_method(template, source, answer, region)
    return source, region


def _statements(tree):
    """The template's shape: the module's statements and, for each class, its body's statements."""
    shape = []
    for node in tree.body:
        shape.append(type(node).__name__ + ":" + getattr(node, "name", ""))
        if isinstance(node, ast.ClassDef):
            shape.append([type(item).__name__ + ":" + getattr(item, "name", "") for item in node.body])
    return shape


def _check_stays_in_method(template, source, answer, region):
    """AnswerError when the spliced source has statements (at class or module level) the template has not."""
    try:
        spliced = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return  # the sandbox compiles it and reports the error on the student's line
    if _statements(spliced) == _statements(ast.parse(template)):
        return
    method = answer.method.split(".", 1)[-1]
    stray = region["end"]
    for node in ast.walk(spliced):
        if isinstance(node, (ast.Module, ast.ClassDef)):
            for item in node.body:
                if region["start"] <= item.lineno < region["end"] and item.col_offset <= _method_indent(source, region):
                    stray = min(stray, item.lineno)
    line = stray - region["start"] + answer.cell_line if stray < region["end"] else answer.cell_line
    raise AnswerError(_(
        "the answer to {method} leaves the method: line {line} of the cell is indented less than the body of "
        "`{method_name}`, so it would run outside it (at class or module level). Indent every line of your answer "
        "at least as far as the Begin line.").format(method=answer.method, line=line, method_name=method))


def _method_indent(source, region):
    """The indentation of the method's ``def`` line (the region's Begin line is one level deeper)."""
    begin_line = source.split("\n")[region["start"] - 2]
    return len(begin_line) - len(begin_line.lstrip()) - 1
