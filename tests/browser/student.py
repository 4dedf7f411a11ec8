"""What a student does in a JupyterLab notebook tab, with the mouse and the keyboard, through Playwright.

Cells are found by their position in the notebook file (``nbformat``), not by the text on the page:
CodeMirror draws only the lines that are on screen, so a cell's text is not all in the page.
"""
import re
from pathlib import Path

import nbformat
from playwright.sync_api import Locator, Page, expect

EDUCODER_BEGIN = "########## Begin ##########"  # the Educoder lines around a student's answer
EDUCODER_END = "########## End ##########"
VIEWPORT_CENTER = {"x": 800, "y": 450}  # a point over the notebook, for the mouse wheel


class StudentNotebook:
    """One notebook open in a JupyterLab tab; ``path`` is the file on disk that the server saves to."""

    def __init__(self, page: Page, path: Path, timeout_ms=120_000):
        self.page = page
        self.path = Path(path)
        self.timeout_ms = timeout_ms
        self.panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")

    # --- reading the file the student edits -------------------------------------------------------------

    def read(self):
        return nbformat.read(self.path, as_version=4)

    def cell_index(self, predicate, what) -> int:
        """Index of the one cell in the saved notebook for which ``predicate(cell)`` holds."""
        found = [i for i, c in enumerate(self.read().cells) if predicate(c)]
        if len(found) != 1:
            raise AssertionError(f"expected one {what} in {self.path.name}, found cells {found}")
        return found[0]

    def index_of_grade_id(self, grade_id) -> int:
        return self.cell_index(lambda c: c.metadata.get("nbgrader", {}).get("grade_id") == grade_id,
                               f"cell with grade_id {grade_id!r}")

    def index_of_code(self, text) -> int:
        return self.cell_index(lambda c: c.cell_type == "code" and text in c.source, f"code cell holding {text!r}")

    # --- the page ----------------------------------------------------------------------------------------

    def open_from_file_browser(self):
        """Double-click the notebook in the file browser, as a student does, and wait for its kernel."""
        item = self.page.locator(".jp-DirListing-item", has=self.page.locator(
            ".jp-DirListing-itemText", has_text=re.compile(rf"^{re.escape(self.path.name)}$")))
        item.dblclick(timeout=self.timeout_ms)
        expect(self.panel.locator(".jp-Notebook .jp-Cell").first).to_be_visible(timeout=self.timeout_ms)
        self.wait_for_kernel_idle()

    def cell(self, index) -> Locator:
        return self.panel.locator(f'.jp-Notebook .jp-Cell[data-windowed-list-index="{index}"]')

    def wait_for_kernel_idle(self):
        """Until the status bar says "<kernel> | Idle" for this notebook (the toolbar says idle before it starts)."""
        status = self.page.locator(f'#jp-main-statusbar [title="Change kernel for {self.path.name}"]')
        expect(status).to_have_text(re.compile(r"\| Idle$"), timeout=self.timeout_ms)

    def show(self, locator: Locator):
        """Scroll so that ``locator`` is on screen, and give CodeMirror a frame to draw the lines there."""
        locator.scroll_into_view_if_needed(timeout=self.timeout_ms)
        self.page.wait_for_timeout(200)

    def show_line(self, index, text) -> Locator:
        """Scroll to the line of cell ``index`` that holds ``text`` and return it.

        CodeMirror draws only the lines on screen, so the cell is first scrolled to show its last lines
        (the Begin/End region sits at the end of the class), then up a screen at a time until the line is there.
        """
        cell = self.cell(index)
        line = cell.locator(".cm-line", has_text=text)
        cell.locator(".jp-Cell-inputArea").evaluate("e => e.scrollIntoView({block: 'end'})")
        for _ in range(20):
            self.page.wait_for_timeout(200)
            if line.count() and line.first.is_visible():
                line.first.scroll_into_view_if_needed()
                return line.first
            self.page.mouse.move(VIEWPORT_CENTER["x"], VIEWPORT_CENTER["y"])
            self.page.mouse.wheel(0, -600)
        raise AssertionError(f"no line holding {text!r} in cell {index} of {self.path.name}")

    def is_read_only(self, index) -> bool:
        return self.cell(index).locator(".cm-content").get_attribute("aria-readonly") == "true"

    # --- editing -------------------------------------------------------------------------------------------

    def replace_answer(self, index, answer: str):
        """Select every line between Begin and End in cell ``index`` and type ``answer`` over them.

        As a student does it: click the Begin line, go down to the first line of the region, select down to
        its last line, type. ``answer`` needs no indentation of its own: the editor indents each new line
        to the method's body, as it does for a student who presses Enter. The region is counted in the saved
        file, so save before calling this again.
        """
        lines = self.read().cells[index].source.splitlines()
        begin = [i for i, line in enumerate(lines) if line.strip() == EDUCODER_BEGIN]
        end = [i for i, line in enumerate(lines) if line.strip() == EDUCODER_END]
        if len(begin) != 1 or len(end) != 1 or end[0] - begin[0] < 2:
            raise AssertionError(f"cell {index} of {self.path.name} has no Begin/End region with code in it")
        region_lines = end[0] - begin[0] - 1

        self.show_line(index, EDUCODER_BEGIN).click()
        keyboard = self.page.keyboard
        keyboard.press("End")
        keyboard.press("ArrowDown")
        keyboard.press("Home")  # CodeMirror: to the end of the indentation
        for _ in range(region_lines - 1):
            keyboard.press("Shift+ArrowDown")
        keyboard.press("Shift+End")
        for i, line in enumerate(answer.strip("\n").splitlines()):
            if i:
                keyboard.press("Enter")
            keyboard.type(line.strip())
        keyboard.press("Escape")  # leave edit mode, as before running cells

    def type_into(self, index, text):
        """Click into cell ``index`` and type ``text`` at the end of its first line."""
        cell = self.cell(index)
        self.show(cell)
        cell.locator(".cm-line").first.click()
        # Keys must reach the cell's editor: in command mode they would be notebook shortcuts.
        expect(self.panel.locator(".jp-Notebook")).to_have_class(re.compile(r"\bjp-mod-editMode\b"))
        self.page.keyboard.press("End")
        self.page.keyboard.type(text)
        self.page.keyboard.press("Escape")

    def save(self):
        """Ctrl+S, then wait until the tab no longer shows unsaved changes."""
        self.page.keyboard.press("Control+s")
        tab = self.page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current")
        expect(tab).not_to_have_class(re.compile(r"\bjp-mod-dirty\b"), timeout=self.timeout_ms)

    # --- running -------------------------------------------------------------------------------------------

    def run_all(self):
        """Run > Run All Cells, then wait until no cell is queued or running."""
        self.page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        self.page.locator(".lm-Menu .lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        # Run All marks every code cell [*] at once; a cell that raises clears the rest of the queue.
        self.page.wait_for_function(
            """(panel) => [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                           .every(p => !p.textContent.includes('*'))""",
            arg=self.panel.element_handle(), timeout=self.timeout_ms)
        self.wait_for_kernel_idle()

    def output_text(self, index) -> str:
        return self.cell(index).locator(".jp-OutputArea").inner_text()

    def validate(self) -> tuple[str, Locator]:
        """Click the nbgrader Validate button; return ("success" | "error", the dialog)."""
        self.panel.locator("jp-button.validate-button").click()
        dialog = self.page.locator(".nbgrader-SuccessDialog, .nbgrader-ErrorDialog")
        expect(dialog).to_have_count(1, timeout=self.timeout_ms)
        kind = "success" if "nbgrader-SuccessDialog" in (dialog.get_attribute("class") or "") else "error"
        return kind, dialog

    @staticmethod
    def close_dialog(dialog: Locator):
        dialog.locator("button.jp-Dialog-button").last.click()
        expect(dialog).to_have_count(0)
