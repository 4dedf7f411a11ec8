"""What a student is told about an exception from their code: the wording, in one place.

The first line is utils.checking's ("your code raised ValueError: ..."), so that the trusted
parent's diagnosis can match it against the known mistakes; then up to three lines of the
student's code, numbered as in their notebook cell.

Standard library only: the zygote loads this module by path.
"""
import errno
import sys
import traceback


class Answer:
    """Where the student's region sits in the spliced class, to point at their own lines."""

    def __init__(self, filename, region):
        self.filename = filename
        self.region = region or {}

    def where(self, lineno):
        start, end = self.region.get("start"), self.region.get("end")
        cell_line = self.region.get("cell_line")
        if start and end and cell_line and start <= lineno < end:
            return f"line {lineno - start + cell_line}"
        return f"line {lineno} of the class as given (outside Begin/End)"


def describe_exception(exc, answer, limits):
    """An exception from the student's code -> a message a student can act on.

    The first line is utils.checking's ("your code raised ValueError: ..."), so that the
    parent's diagnosis can match it against the known mistakes; then up to three lines of the
    student's code, numbered as in their notebook cell.
    """
    if isinstance(exc, SystemExit):
        return (f"your code called sys.exit({exc.code!r}) (or exit/quit): remove it; backward must "
                f"return its result")
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return (f"your code wrote a file larger than {limits['output_bytes']:,} bytes: an answer needs no "
                f"files")
    if isinstance(exc, MemoryError):
        return (f"your code raised MemoryError: it tried to use more than the {limits['memory_mib']} MiB "
                f"the grader allows")
    checking = sys.modules.get("utils.checking")
    try:
        head = checking.describe_exception(exc) if checking else f"your code raised {type(exc).__name__}: {exc}"
    except Exception:
        head = f"your code raised {type(exc).__name__}"
    lines = [head[:1500]]
    if isinstance(exc, SyntaxError) and exc.filename == answer.filename and exc.lineno:
        code = (exc.text or "").strip()
        lines.append(f"  {answer.where(exc.lineno)}" + (f": {code}" if code else ""))
    else:
        try:
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == answer.filename]
        except Exception:
            frames = []
        for frame in frames[-3:]:
            code = (frame.line or "").strip()
            lines.append(f"  {answer.where(frame.lineno)}, in {frame.name}" + (f": {code}" if code else ""))
    if isinstance(exc, NameError):
        lines.append("  Only the code between the Begin and End lines is graded, with np, im2col and col2im "
                     "(and the rest of utils) available: define any helper inside that region.")
    if isinstance(exc, ImportError):
        lines.append("  The grader offers numpy, utils and the Python standard library.")
    return "\n".join(lines)
