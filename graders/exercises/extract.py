"""Babel extractors for an exercise folder's texts (the ``exercise`` gettext domain; docs/i18n.md).

``pybabel extract`` finds the message ids of Python code by itself (``_()`` calls: figures.py's labels);
an exercise folder's other texts live in data files and in ``@mistake(...)`` decorators, which these
extractors read. The mapping file (``tools/babel-exercise.cfg``) names them as ``module:function``:

    [graders.exercises.extract:extract_toml: exercise.toml]
    keys = title setting
    [graders.exercises.extract:extract_toml: cases.toml]
    keys = description
    [graders.exercises.extract:extract_mistakes: mistakes.py]

Each follows Babel's extractor protocol: ``extract(fileobj, keywords, comment_tags, options)`` yields
``(line number, function name, message, comments)``. Standard library only (Babel calls them; nothing
here imports Babel).
"""
import ast
import re
import tomllib

MISTAKE_DECORATOR = "mistake"
MISTAKE_TEXTS = ("title", "hint")  # @mistake(name, title, hint): the student-facing two


def _keys(options, default):
    """The option ``keys`` of the mapping file (space or comma separated), else ``default``."""
    raw = (options or {}).get("keys")
    return tuple(re.split(r"[\s,]+", raw.strip())) if raw else default


def _strings_under(data, keys):
    """Every string value of a key in ``keys``, anywhere in a parsed TOML document, in document order."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in keys and isinstance(value, str):
                yield key, value
            else:
                yield from _strings_under(value, keys)
    elif isinstance(data, list):
        for item in data:
            yield from _strings_under(item, keys)


def extract_toml(fileobj, keywords, comment_tags, options):
    """The string values of the keys named by the ``keys`` option (default: title, setting, description)
    in a TOML file: exercise.toml's title and setting, cases.toml's and probes.toml's descriptions.

    The line number is that of the first ``key =`` line at or after the previous message's (tomllib
    gives none); the comment says which key it is, so a translator sees "description" or "setting"."""
    text = fileobj.read().decode("utf-8")
    keys = _keys(options, ("title", "setting", "description"))
    lines = text.split("\n")
    line_index = 0
    for key, value in _strings_under(tomllib.loads(text), keys):
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        found = next((i for i in range(line_index, len(lines)) if pattern.match(lines[i])), line_index)
        line_index = found + 1
        comments = [f"{key}: a format string, keep its {{placeholders}}"] if key == "setting" else [key]
        yield found + 1, None, value, comments


def _string_value(node):
    """The str of a literal (implicitly concatenated literals are one ast.Constant), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_mistake_call(node):
    func = node.func
    return (isinstance(func, ast.Name) and func.id == MISTAKE_DECORATOR) or \
        (isinstance(func, ast.Attribute) and func.attr == MISTAKE_DECORATOR)


def extract_mistakes(fileobj, keywords, comment_tags, options):
    """The title and hint of every ``@mistake(name, title, hint)`` call in a mistakes.py (positional or
    keyword arguments; the Python string value, concatenated literals joined). A title or hint that is
    not a string literal cannot be translated: ValueError naming the line, so it is fixed, not missed."""
    source = fileobj.read().decode("utf-8")
    calls = sorted((node for node in ast.walk(ast.parse(source))
                    if isinstance(node, ast.Call) and _is_mistake_call(node)), key=lambda node: node.lineno)
    for node in calls:
        given = dict(zip(("name", *MISTAKE_TEXTS), node.args))
        given.update({kw.arg: kw.value for kw in node.keywords if kw.arg})
        name = _string_value(given.get("name")) or "?"
        for field in MISTAKE_TEXTS:
            if field not in given:
                continue
            value = _string_value(given[field])
            if value is None:
                raise ValueError(f"line {given[field].lineno}: the {field} of @mistake({name!r}) must be a "
                                 f"string literal, so that it can be translated")
            yield given[field].lineno, None, value, [f"mistake {name}: {field}"]
