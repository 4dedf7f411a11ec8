"""What a student is told about an exception from their code: the wording, in one place.

The first line is utils.checking's ("your code raised ValueError: ..."), so that the trusted
parent's diagnosis can match it against the known mistakes; then up to three lines of the
student's code, numbered as in their notebook cell.

Standard library only: the zygote loads this module by path. The child reads no message catalogue: the
trusted parent translates this module's messages (``translated``) and sends them with the job; the child
puts them in TEXTS before it runs anything. English needs none: a message id is its English text.
"""
import errno
import sys
import traceback


def N_(message):
    """Marks a message of this module for extraction (the ``graders`` gettext domain)."""
    return message


LINE = N_("line {line}")
OUTSIDE = N_("line {line} of the class as given (outside Begin/End)")
IN_FUNCTION = N_("{where}, in {function}")
EXITED = N_("your code called sys.exit({code}) (or exit/quit): remove it; backward must return its result")
FILE_TOO_LARGE = N_("your code wrote a file larger than {limit:,} bytes: an answer needs no files")
OUT_OF_MEMORY = N_("your code raised MemoryError: it tried to use more than the {limit} MiB the grader allows")
NAME_ERROR = N_("Only the code between the Begin and End lines is graded, with np, im2col and col2im (and the rest "
                "of utils) available: define any helper inside that region.")
IMPORT_ERROR = N_("The grader offers numpy, utils and the Python standard library.")
NO_CLASS = N_("the class {class_name} is not defined by your answer cell: keep its name and the code outside "
              "Begin/End as given")
MESSAGES = (LINE, OUTSIDE, IN_FUNCTION, EXITED, FILE_TOO_LARGE, OUT_OF_MEMORY, NAME_ERROR, IMPORT_ERROR, NO_CLASS)

TEXTS = {}  # {message id: its translation}, from the job (set_texts); empty: English


def translated(translate):
    """{message id: translation} of this module's messages that ``translate`` changes (the parent's side)."""
    return {message: translate(message) for message in MESSAGES if translate(message) != message}


def set_texts(texts):
    """Use the translations the parent sent (the child's side; anything but strings is ignored)."""
    TEXTS.clear()
    if isinstance(texts, dict):
        TEXTS.update({k: v for k, v in texts.items() if k in MESSAGES and isinstance(v, str)})


def _(message):
    return TEXTS.get(message, message)


class Answer:
    """Where the student's region sits in the spliced class, to point at their own lines."""

    def __init__(self, filename, region):
        self.filename = filename
        self.region = region or {}

    def where(self, lineno):
        start, end = self.region.get("start"), self.region.get("end")
        cell_line = self.region.get("cell_line")
        if start and end and cell_line and start <= lineno < end:
            return _(LINE).format(line=lineno - start + cell_line)
        return _(OUTSIDE).format(line=lineno)


def describe_exception(exc, answer, limits):
    """An exception from the student's code -> a message a student can act on.

    The first line is utils.checking's ("your code raised ValueError: ..."), so that the
    parent's diagnosis can match it against the known mistakes; then up to three lines of the
    student's code, numbered as in their notebook cell.
    """
    if isinstance(exc, SystemExit):
        return _(EXITED).format(code=repr(exc.code))
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return _(FILE_TOO_LARGE).format(limit=limits["output_bytes"])
    if isinstance(exc, MemoryError):
        return _(OUT_OF_MEMORY).format(limit=limits["memory_mib"])
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
            where = _(IN_FUNCTION).format(where=answer.where(frame.lineno), function=frame.name)
            lines.append(f"  {where}" + (f": {code}" if code else ""))
    if isinstance(exc, NameError):
        lines.append("  " + _(NAME_ERROR))
    if isinstance(exc, ImportError):
        lines.append("  " + _(IMPORT_ERROR))
    return "\n".join(lines)


def no_class(class_name):
    """The setup error of an answer cell whose spliced source does not define the class."""
    return _(NO_CLASS).format(class_name=class_name)
