"""One exercise is one folder: reading it (its spec, cases, mistakes, sample answers, figures).

The format is written down in docs/adding-an-exercise.md; the tables there are generated from
``SPEC_FIELDS`` and ``CASE_FIELDS`` below. A folder holds:

    exercise.toml   the spec: class, method, how a case runs it, what is judged, default points, cells
    cases.toml      the cases: sizes and settings, each with a description a student understands
    probes.toml     optional: experiments for diagnosis only (cases.toml's format; never scored)
    mistakes.py     the catalogue of classic mistakes: functions decorated with @mistake(name, title, hint)
    notebook.md     the notebook template (graders/course/build.py renders it)
    figures.py      optional: FIGURES = {"name.png": draw(reference_class) -> matplotlib Figure}
    reference.py    optional: the reference class (a course's own exercise); else the solutions module
                    that defines it (solutions/layers.py, solutions/tf_pooling.py ...)
    answers/*.py    sample answers as students write them, right and wrong (data: never imported)
    demo/*.py       optional: hostile answers the demo's class submits (same format)
    locale/zh/LC_MESSAGES/exercise.po (.mo)
                    optional: the folder's texts in Chinese (title, cases, mistakes, probes, figure
                    labels), a gettext catalogue of the ``exercise`` domain (docs/i18n.md)

Nothing here imports ``solutions`` until a reference class is asked for.
"""
import ast
import hashlib
import importlib.util
import re
import sys
import textwrap
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from graders.exercises.markers import method_regions

SPEC_FILE = "exercise.toml"
CASES_FILE = "cases.toml"
PROBES_FILE = "probes.toml"
MISTAKES_FILE = "mistakes.py"
TEMPLATE_FILE = "notebook.md"
FIGURES_FILE = "figures.py"
REFERENCE_FILE = "reference.py"
ANSWERS_DIR = "answers"
DEMO_DIR = "demo"
LOCALE_DIR = "locale"
LOCALE_DOMAIN = "exercise"

BUILTIN_DIR = Path(__file__).resolve().parent
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ExerciseFormatError(ValueError):
    """A folder that does not follow the format; the message names the file and the key."""


@dataclass(frozen=True)
class Field:
    """One key of a folder's file: its name, whether it must be there, its TOML type, what it means."""
    key: str
    required: bool
    kind: str
    help: str


SPEC_FIELDS = (
    Field("class", True, "string", "the class the exercise is a method of, e.g. \"Convolution\""),
    Field("method", True, "string", "the method students write, e.g. \"backward\"; tests[].name is class.method"),
    Field("points", True, "number", "default points (course.toml may change them)"),
    Field("notebook", True, "string", "the notebook's name without .ipynb, e.g. \"conv_backward\""),
    Field("answer_cell", True, "string", "nbgrader grade_id of the class cell, e.g. \"convolution_class\""),
    Field("test_cell", True, "string", "nbgrader grade_id of the hidden test cell"),
    Field("init", True, "array of strings",
          "the constructor's arguments in order, each the name of a case input (an array) or param (a number)"),
    Field("calls", True, "array of [method, input, ...]",
          "what a case calls, in order, each method with the named inputs, e.g. [[\"forward\", \"x\"], "
          "[\"backward\", \"dout\"]]"),
    Field("outputs", True, "table",
          "what is judged, in order: name = { from = \"<method>\" (its return value) or \"self.<attribute>\" "
          "(read after the calls), like = \"<input>\" (optional: the input whose shape it has) }"),
    Field("setting", False, "string",
          "a case's sizes in one line, from its inputs' shapes and params, e.g. "
          "\"x {x}, W {W}, stride {stride}, pad {pad}\" (default: every input's shape and param)"),
    Field("title", False, "string", "a few words for tables and the demo (default: class.method)"),
    Field("reference", False, "string",
          "the file holding the reference class, relative to the folder, e.g. \"../relu_backward/reference.py\" for "
          "two exercises of one class (default: the folder's reference.py, else solutions/layers.py)"),
    Field("assignment", False, "string",
          "the built-in assignment this exercise is a level of: a course.toml assignment with that id and no "
          "`exercises` list takes every folder naming it, by `level`"),
    Field("level", False, "integer", "its place in that assignment (1, 2, ...)"),
)

CASE_FIELDS = (
    Field("name", True, "string", "the case's id (feedback, seeds: \"<class.method>/<name>\")"),
    Field("description", True, "string", "the situation in words a student understands"),
    Field("inputs", True, "table", "input name = shape; drawn in this order from the case's own seed"),
    Field("params", False, "table", "what the constructor takes besides arrays: numbers (stride, pad, pool_h ...), "
          "strings (padding = \"SAME\"), booleans, arrays of numbers (ksize = [2, 3])"),
    Field("draw", False, "table",
          "input name = \"normal\" (default: standard normal) or \"ties\" (small integers, many zeros, one "
          "window of a repeated value: tied maxima; needs params pool_h, pool_w, stride, pad)"),
)
DRAWS = ("normal", "ties")


def _error(path, key, message):
    return ExerciseFormatError(f"{path}: {key}: {message}" if key else f"{path}: {message}")


def read_toml(path):
    """A TOML file as a dict; ExerciseFormatError naming the file (and line) when it is not valid TOML."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ExerciseFormatError(f"{path}: missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise ExerciseFormatError(f"{path}: not valid TOML: {exc}") from None


def _check_keys(data, fields, path, where=""):
    known = {f.key for f in fields}
    for key in data:
        if key not in known:
            raise _error(path, f"{where}{key}", f"unknown key (known: {', '.join(sorted(known))})")
    for f in fields:
        if f.required and f.key not in data:
            raise _error(path, f"{where}{f.key}", f"missing ({f.help})")


def _string(value, path, key):
    if not isinstance(value, str) or not value:
        raise _error(path, key, f"must be a non-empty string, got {value!r}")
    return value


def _strings(value, path, key):
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _error(path, key, f"must be an array of strings, got {value!r}")
    return value


# ---------------------------------------------------------------- cases

@dataclass(frozen=True)
class CaseSpec:
    """One situation: input shapes and params, with a description in words a student understands.

    - shapes: {input name: shape}, in drawing order; params: numbers for the constructor
    - draw: {input name: "ties"} for inputs not drawn standard normal
    - setting_format: the exercise's ``setting`` (see ``setting``)
    """
    name: str
    description: str
    params: dict
    shapes: dict
    draw: dict = field(default_factory=dict)
    setting_format: str = None

    @property
    def setting(self):
        """The sizes in one line: "x (2, 3, 5, 6), W (4, 3, 3, 3), stride 1, pad 0"."""
        values = {**{k: f"{v:g}" if isinstance(v, float) else str(v) for k, v in self.params.items()},
                  **{k: str(tuple(v)) for k, v in self.shapes.items()}}
        if self.setting_format:
            return self.setting_format.format(**values)
        parts = [f"{name} {values[name]}" for name in self.shapes]
        return ", ".join(parts + [f"{name} {values[name]}" for name in self.params])

    @property
    def x_shape(self):
        return tuple(self.shapes["x"])


def _is_param(value):
    """A constructor argument a case can give: a number, a string ("SAME"), a boolean, or an array of
    numbers ([2, 3], a window size per axis)."""
    if isinstance(value, (int, float, str, bool)):
        return True
    return isinstance(value, list) and bool(value) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)


def read_cases(path, setting_format=None):
    """The CaseSpecs of a cases.toml, in file order; ExerciseFormatError naming the case and key."""
    data = read_toml(path)
    if set(data) - {"case"} or not isinstance(data.get("case"), list) or not data["case"]:
        raise _error(path, None, "expected [[case]] tables and nothing else")
    specs, names = [], set()
    for i, raw in enumerate(data["case"]):
        where = f"case[{i}]." if "name" not in raw else f"case {raw['name']!r}: "
        _check_keys(raw, CASE_FIELDS, path, where)
        name = _string(raw["name"], path, where + "name")
        if name in names:
            raise _error(path, where + "name", "used twice")
        names.add(name)
        shapes = raw["inputs"]
        if not isinstance(shapes, dict) or not shapes:
            raise _error(path, where + "inputs", "must be a table: input name = shape")
        for input_name, shape in shapes.items():
            if not isinstance(shape, list) or not all(isinstance(n, int) and n > 0 for n in shape):
                raise _error(path, f"{where}inputs.{input_name}", f"must be a shape (positive integers), got {shape!r}")
        params = raw.get("params", {})
        if not isinstance(params, dict) or not all(_is_param(v) for v in params.values()):
            raise _error(path, where + "params", "must be a table of numbers, strings, booleans or arrays of numbers")
        draw = raw.get("draw", {})
        for input_name, kind in draw.items():
            if input_name not in shapes or kind not in DRAWS:
                raise _error(path, f"{where}draw.{input_name}", f"must name an input and be one of {', '.join(DRAWS)}")
        spec = CaseSpec(name, _string(raw["description"], path, where + "description"), dict(params),
                        {k: tuple(v) for k, v in shapes.items()}, dict(draw), setting_format)
        try:
            spec.setting  # noqa: B018: a placeholder naming neither an input nor a param fails here, not later
        except (KeyError, IndexError, ValueError) as exc:
            raise _error(path.parent / SPEC_FILE, "setting", f"cannot be filled in for case {name!r}: {exc}") from None
        specs.append(spec)
    return specs


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


def _parse_expected(path, source, allowed):
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


# ---------------------------------------------------------------- the folder

def load_module(path, folder_id):
    """Execute a Python file of a folder as a module of its own (registered, so that tracebacks and
    inspect see it); the name is unique per file, so two courses' folders never collide."""
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:10]
    name = f"_backprop_lab_exercise_{folder_id}_{path.stem}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def solutions_layers_file(class_name=None):
    """The module of ``solutions`` that defines ``class_name`` (solutions/layers.py, tf_pooling.py ...;
    layers.py without a name), found without importing ``solutions`` (a kernel that imported it would be
    refused by the hidden tests; the class templates need only its text)."""
    spec = importlib.util.find_spec("solutions")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the solutions package is not installed: the built-in exercises need it")
    folder = Path(list(spec.submodule_search_locations)[0])
    if class_name is not None:
        definition = re.compile(rf"^class {re.escape(class_name)}\b", re.MULTILINE)
        for path in [folder / "layers.py"] + sorted(p for p in folder.glob("*.py") if p.name != "layers.py"):
            if path.is_file() and definition.search(path.read_text(encoding="utf-8")):
                return path
    return folder / "layers.py"


def class_source(path, class_name):
    """The source text of ``class_name`` in the file ``path``, read without importing it."""
    text = Path(path).read_text(encoding="utf-8")
    lines = text.split("\n")
    for node in ast.parse(text).body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            # The class runs on while lines are indented or blank: trailing comments (the End line
            # after the method's last statement) belong to it, though the AST ends before them.
            end = node.lineno
            while end < len(lines) and (not lines[end].strip() or lines[end][:1].isspace()):
                end += 1
            return "\n".join(lines[node.lineno - 1:end]).rstrip() + "\n"
    raise ValueError(f"{path} defines no class {class_name}")


def exercise_gettext(file):
    """The translator of the exercise folder holding ``file`` (a folder's figures.py: ``_ =
    exercise_gettext(__file__)``): message -> its text in the language spoken when it is called
    (utils.i18n.get_language(); the build renders each language inside ``using_language``)."""
    from utils.i18n import translator
    return translator(Path(file).resolve().parent / LOCALE_DIR, LOCALE_DOMAIN)


class ExerciseFolder:
    """An exercise folder, read on demand. ``spec`` is checked when the folder is opened."""

    def __init__(self, path, builtin=False):
        self.path = Path(path).resolve()
        self.id = self.path.name
        self.builtin = builtin
        if not IDENTIFIER.match(self.id):
            raise ExerciseFormatError(f"{self.path}: a folder name must be a Python identifier (letters, digits, _)")
        self.spec = self._read_spec()

    def __repr__(self):
        return f"ExerciseFolder({str(self.path)!r})"

    # -- the spec ------------------------------------------------------------------------
    def _read_spec(self):
        path = self.path / SPEC_FILE
        spec = read_toml(path)
        _check_keys(spec, SPEC_FIELDS, path)
        for key in ("class", "method", "notebook", "answer_cell", "test_cell"):
            _string(spec[key], path, key)
        if not isinstance(spec["points"], (int, float)) or spec["points"] <= 0:
            raise _error(path, "points", f"must be a positive number, got {spec['points']!r}")
        _strings(spec["init"], path, "init")
        calls = spec["calls"]
        if not isinstance(calls, list) or not calls or not all(
                isinstance(c, list) and c and all(isinstance(s, str) and s for s in c) for c in calls):
            raise _error(path, "calls", "must be an array of [method, input, ...] arrays")
        called = [c[0] for c in calls]
        if spec["method"] not in called:
            raise _error(path, "calls", f"never calls the exercise's method {spec['method']!r}")
        outputs = spec["outputs"]
        if not isinstance(outputs, dict) or not outputs:
            raise _error(path, "outputs", "must be a table: name = { from = ..., like = ... }")
        for name, out in outputs.items():
            key = f"outputs.{name}"
            if not isinstance(out, dict) or set(out) - {"from", "like"} or "from" not in out:
                raise _error(path, key, "must be { from = \"<method>\" or \"self.<attribute>\", like = \"<input>\" }")
            source = _string(out["from"], path, key + ".from")
            if not source.startswith("self.") and source not in called:
                raise _error(path, key + ".from", f"{source!r} is neither a called method ({', '.join(called)}) "
                                                  f"nor self.<attribute>")
        for key in ("setting", "title", "assignment", "reference"):
            if key in spec:
                _string(spec[key], path, key)
        if "level" in spec and (not isinstance(spec["level"], int) or isinstance(spec["level"], bool)
                                or spec["level"] < 1):
            raise _error(path, "level", f"must be a positive integer, got {spec['level']!r}")
        if ("assignment" in spec) != ("level" in spec):
            raise _error(path, "level" if "assignment" in spec else "assignment", "assignment and level go together")
        return spec

    def gettext(self, message, lang):
        """``message`` (one of this folder's English texts) in ``lang``, from the folder's own catalogue
        (``locale/<lang>/LC_MESSAGES/exercise.mo``); itself when the folder has no translation of it."""
        from utils.i18n import translations
        return translations(self.path / LOCALE_DIR, LOCALE_DOMAIN, lang).gettext(message)

    @property
    def name(self):
        """The qualified method name, "Convolution.backward" (results' tests[].name)."""
        return f"{self.spec['class']}.{self.spec['method']}"

    @property
    def plan(self):
        """How a case runs the class, as plain JSON (utils.checking.run_layer reads it, in any process)."""
        called = [call[0] for call in self.spec["calls"]]
        return {
            "class": self.spec["class"],
            "init": list(self.spec["init"]),
            "calls": [list(call) for call in self.spec["calls"]],
            "outputs": [{"name": name, "from": out["from"], "like": out.get("like"),
                         # the method that must set an attribute: the exercise's own
                         "by": out["from"] if out["from"] in called else self.spec["method"]}
                        for name, out in self.spec["outputs"].items()],
        }

    # -- the reference -------------------------------------------------------------------
    @property
    def reference_file(self):
        """The file that holds the reference class: exercise.toml's ``reference``, else the folder's
        reference.py, else the solutions module defining it (solutions/layers.py for the book's layers)."""
        if "reference" in self.spec:
            path = (self.path / self.spec["reference"]).resolve()
            if not path.is_file():
                raise ExerciseFormatError(f"{self.path / SPEC_FILE}: reference: no file {path}")
            return path
        own = self.path / REFERENCE_FILE
        return own if own.is_file() else solutions_layers_file(self.spec["class"])

    @property
    def reference_class(self):
        """The reference class (instructors' side only)."""
        own = self.reference_file
        if own.parent != solutions_layers_file().parent:  # solutions/*.py: the solutions package's own class
            module = load_module(own, own.parent.name)
        else:
            import solutions
            module = solutions
        cls = getattr(module, self.spec["class"], None)
        if not isinstance(cls, type):
            raise ExerciseFormatError(f"{self.reference_file}: no class {self.spec['class']} "
                                      f"(named by {self.path / SPEC_FILE})")
        return cls

    @property
    def reference_source(self):
        """The reference class's source text (with every Begin/End region), read without importing it."""
        return class_source(self.reference_file, self.spec["class"])

    # -- cases, mistakes, answers, figures ------------------------------------------------
    @cached_property
    def cases(self):
        """The folder's CaseSpecs, in file order."""
        return read_cases(self.path / CASES_FILE, self.spec.get("setting"))

    @cached_property
    def probes(self):
        """The folder's probe CaseSpecs (probes.toml, same format as cases.toml; none without the file)."""
        path = self.path / PROBES_FILE
        return read_cases(path, self.spec.get("setting")) if path.is_file() else []

    @cached_property
    def mistakes(self):
        """The catalogue: a Mistake per @mistake in mistakes.py, in definition order (none if no file)."""
        path = self.path / MISTAKES_FILE
        if not path.is_file():
            return []
        module = load_module(path, self.id)
        reference, method = self.reference_class, self.spec["method"]
        found, names = [], set()
        for value in vars(module).values():
            if not isinstance(value, MistakeDef):
                continue
            if value.name in names:
                raise ExerciseFormatError(f"{path}: mistake {value.name!r} defined twice")
            names.add(value.name)
            function = value.function
            cls_name = "".join(part.capitalize() for part in value.name.split("_")) or "Mistake"
            cls = type(cls_name, (reference,), {method: function, "__module__": module.__name__,
                                                "__qualname__": cls_name, "__doc__": function.__doc__})
            found.append(Mistake(value.name, self.name, value.title, value.hint, cls,
                                 textwrap.dedent(function.__doc__ or "").strip(), self.plan))
        return found

    def _answers(self, folder, allowed):
        answers = []
        for path in sorted((self.path / folder).glob("*.py")):
            text = path.read_text(encoding="utf-8")
            expected, mistake_name = _parse_expected(path, text, allowed)
            answers.append(Answer(f"{self.id}/{path.stem}", text, expected, mistake_name, path, self.id, self.name))
        return answers

    @property
    def answers(self):
        """The sample answers in answers/, by file name: correct ones, catalogued mistakes, unknown ones."""
        return self._answers(ANSWERS_DIR, ("correct", "wrong"))

    @property
    def demo_answers(self):
        """The hostile answers in demo/ (``expected: zero``), by file name."""
        return self._answers(DEMO_DIR, ("zero",))

    @property
    def template(self):
        """The notebook template's path (notebook.md)."""
        return self.path / TEMPLATE_FILE

    @cached_property
    def figures(self):
        """{"name.png": draw} from figures.py (empty without the file); draw(reference class) -> Figure."""
        path = self.path / FIGURES_FILE
        if not path.is_file():
            return {}
        figures = getattr(load_module(path, self.id), "FIGURES", None)
        if not isinstance(figures, dict):
            raise ExerciseFormatError(f"{path}: must define FIGURES = {{\"name.png\": draw}}")
        return figures


def builtin_folders():
    """{id: ExerciseFolder} of the exercises shipped in the package (graders/exercises/<id>/)."""
    return discover(BUILTIN_DIR, builtin=True)


def discover(root, builtin=False):
    """{id: ExerciseFolder} of every folder under ``root`` holding an exercise.toml, sorted by id."""
    root = Path(root)
    if not root.is_dir():
        return {}
    return {path.parent.name: ExerciseFolder(path.parent, builtin)
            for path in sorted(root.glob(f"*/{SPEC_FILE}"))}

