"""The TOML files of an exercise folder: exercise.toml's and cases.toml's fields (with their meaning,
from which docs/adding-an-exercise.md's tables are generated) and reading them with their checks.

    specs = read_cases(folder / "cases.toml", setting_format)   # [CaseSpec], in file order

A mistake in a file is an ExerciseFormatError whose message names the file and the key.
"""
import tomllib
from dataclasses import dataclass, field

SPEC_FILE = "exercise.toml"
CASES_FILE = "cases.toml"
PROBES_FILE = "probes.toml"

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


def format_error(path, key, message):
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


def check_keys(data, fields, path, where=""):
    known = {f.key for f in fields}
    for key in data:
        if key not in known:
            raise format_error(path, f"{where}{key}", f"unknown key (known: {', '.join(sorted(known))})")
    for f in fields:
        if f.required and f.key not in data:
            raise format_error(path, f"{where}{f.key}", f"missing ({f.help})")


def string_value(value, path, key):
    if not isinstance(value, str) or not value:
        raise format_error(path, key, f"must be a non-empty string, got {value!r}")
    return value


def strings_value(value, path, key):
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise format_error(path, key, f"must be an array of strings, got {value!r}")
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
        raise format_error(path, None, "expected [[case]] tables and nothing else")
    specs, names = [], set()
    for i, raw in enumerate(data["case"]):
        where = f"case[{i}]." if "name" not in raw else f"case {raw['name']!r}: "
        check_keys(raw, CASE_FIELDS, path, where)
        name = string_value(raw["name"], path, where + "name")
        if name in names:
            raise format_error(path, where + "name", "used twice")
        names.add(name)
        shapes = raw["inputs"]
        if not isinstance(shapes, dict) or not shapes:
            raise format_error(path, where + "inputs", "must be a table: input name = shape")
        for input_name, shape in shapes.items():
            if not isinstance(shape, list) or not all(isinstance(n, int) and n > 0 for n in shape):
                raise format_error(path, f"{where}inputs.{input_name}", f"must be a shape (positive integers), got {shape!r}")
        params = raw.get("params", {})
        if not isinstance(params, dict) or not all(_is_param(v) for v in params.values()):
            raise format_error(path, where + "params", "must be a table of numbers, strings, booleans or arrays of numbers")
        draw = raw.get("draw", {})
        for input_name, kind in draw.items():
            if input_name not in shapes or kind not in DRAWS:
                raise format_error(path, f"{where}draw.{input_name}", f"must name an input and be one of {', '.join(DRAWS)}")
        spec = CaseSpec(name, string_value(raw["description"], path, where + "description"), dict(params),
                        {k: tuple(v) for k, v in shapes.items()}, dict(draw), setting_format)
        try:
            spec.setting  # noqa: B018: a placeholder naming neither an input nor a param fails here, not later
        except (KeyError, IndexError, ValueError) as exc:
            raise format_error(path.parent / SPEC_FILE, "setting", f"cannot be filled in for case {name!r}: {exc}") from None
        specs.append(spec)
    return specs
