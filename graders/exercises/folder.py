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
from dataclasses import replace
from functools import cached_property
from pathlib import Path

# The folder's files: its TOML files (spec_files) and what its Python files declare (catalogue).
from graders.exercises.catalogue import Answer, Mistake, MistakeDef, parse_expected
from graders.exercises.spec_files import (CASES_FILE, PROBES_FILE, SPEC_FIELDS, SPEC_FILE, ExerciseFormatError,
                                          check_keys, format_error, read_cases, read_toml, string_value,
                                          strings_value)

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
        check_keys(spec, SPEC_FIELDS, path)
        for key in ("class", "method", "notebook", "answer_cell", "test_cell"):
            string_value(spec[key], path, key)
        if not isinstance(spec["points"], (int, float)) or spec["points"] <= 0:
            raise format_error(path, "points", f"must be a positive number, got {spec['points']!r}")
        strings_value(spec["init"], path, "init")
        calls = spec["calls"]
        if not isinstance(calls, list) or not calls or not all(
                isinstance(c, list) and c and all(isinstance(s, str) and s for s in c) for c in calls):
            raise format_error(path, "calls", "must be an array of [method, input, ...] arrays")
        called = [c[0] for c in calls]
        if spec["method"] not in called:
            raise format_error(path, "calls", f"never calls the exercise's method {spec['method']!r}")
        outputs = spec["outputs"]
        if not isinstance(outputs, dict) or not outputs:
            raise format_error(path, "outputs", "must be a table: name = { from = ..., like = ... }")
        for name, out in outputs.items():
            key = f"outputs.{name}"
            if not isinstance(out, dict) or set(out) - {"from", "like"} or "from" not in out:
                raise format_error(path, key, "must be { from = \"<method>\" or \"self.<attribute>\", like = \"<input>\" }")
            source = string_value(out["from"], path, key + ".from")
            if not source.startswith("self.") and source not in called:
                raise format_error(path, key + ".from", f"{source!r} is neither a called method ({', '.join(called)}) "
                                                  f"nor self.<attribute>")
        for key in ("setting", "title", "assignment", "reference"):
            if key in spec:
                string_value(spec[key], path, key)
        if "level" in spec and (not isinstance(spec["level"], int) or isinstance(spec["level"], bool)
                                or spec["level"] < 1):
            raise format_error(path, "level", f"must be a positive integer, got {spec['level']!r}")
        if ("assignment" in spec) != ("level" in spec):
            raise format_error(path, "level" if "assignment" in spec else "assignment", "assignment and level go together")
        return spec

    def gettext(self, message, lang):
        """``message`` (one of this folder's English texts) in ``lang``, from the folder's own catalogue
        (``locale/<lang>/LC_MESSAGES/exercise.mo``); itself when the folder has no translation of it."""
        from utils.i18n import translations
        return translations(self.path / LOCALE_DIR, LOCALE_DOMAIN, lang).gettext(message)

    def translated_case(self, spec, lang):
        """A CaseSpec of this folder with its description and setting in ``lang`` (the same spec in English)."""
        if lang == "en":
            return spec
        return replace(spec, description=self.gettext(spec.description, lang),
                       setting_format=spec.setting_format and self.gettext(spec.setting_format, lang))

    def translated_mistake(self, mistake, lang):
        """A Mistake of this folder with its title and hint in ``lang`` (the same mistake in English)."""
        if lang == "en":
            return mistake
        return replace(mistake, title=self.gettext(mistake.title, lang), hint=self.gettext(mistake.hint, lang))

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
            expected, mistake_name = parse_expected(path, text, allowed)
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

