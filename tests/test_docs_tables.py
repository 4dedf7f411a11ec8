"""The docs' tables of exercises, cases, mistakes and settings are generated from the code and current."""
import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def load_tool():
    spec = importlib.util.spec_from_file_location("docs_tables", REPO / "tools" / "docs_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_tables_are_current():
    tool = load_tool()
    generated = tool.tables()
    for name in tool.DOCS:
        text = (REPO / name).read_text(encoding="utf-8")
        assert tool.render(text, generated) == text, f"{name} is stale: run python tools/docs_tables.py"


def test_every_table_appears_in_the_docs():
    tool = load_tool()
    text = "".join((REPO / name).read_text(encoding="utf-8") for name in tool.DOCS)
    for name in tool.tables():
        assert f"<!-- generated: {name} -->" in text, name


def test_render_replaces_only_the_blocks():
    tool = load_tool()
    text = "before\n<!-- generated: t -->\nold\n<!-- end generated -->\nafter\n"
    assert tool.render(text, {"t": "new\n"}) == "before\n<!-- generated: t -->\nnew\n<!-- end generated -->\nafter\n"
