"""What a sandbox run gives back: the cases sent, each case's outcome, the run's result; and
``printable``, which makes any text a student's code produced safe to show."""
import re
from dataclasses import asdict, dataclass, field


class SandboxError(RuntimeError):
    """The sandbox itself failed (a problem of the grader or the machine, not the student's)."""


@dataclass(frozen=True)
class SandboxCase:
    """One case to run: ``runner.run_case(cls, kind, params, inputs)``."""
    kind: str
    params: dict
    inputs: dict  # name -> ndarray


@dataclass
class CaseOutcome:
    """What one case gave: the outputs the student's code returned, or a message why not."""
    outputs: dict | None = None
    error: str | None = None


@dataclass
class RunResult:
    cases: list                     # CaseOutcome per case, in the order sent
    status: str                     # finished | timeout | crashed | exited | overflow | worker_lost
    seconds: float = 0.0
    output: str = ""                # the first output_excerpt bytes the code printed
    output_bytes: int = 0           # bytes of printed output that reached the grader
    output_cut: bool = False        # the code printed more than Limits.output_bytes: the rest was dropped
    max_rss_kib: int | None = None
    details: dict = field(default_factory=dict)

    def summary(self):
        """JSON-ready timings and process facts (no arrays)."""
        data = asdict(self)
        data.pop("cases")
        return data


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text, limit=3000):
    """Student-made text (messages, printed output) made safe for a terminal or a CSV: no control
    characters (escape sequences, carriage returns) except newlines and tabs; at most ``limit``."""
    text = str(text) if limit is None else str(text)[:limit]
    return _CONTROL.sub("\ufffd", text)
