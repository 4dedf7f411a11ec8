"""Reading one run, on the trusted side: the bytes the child sends on its channel and prints
(``RunTranscript``), then what they mean (``interpret``): a RunResult with an outcome for every case.
Nothing the child sent can raise here: a frame that cannot be read is that case's error.
"""
import os
import select
import signal
import time

from graders.i18n import _

from .child import DONE
from .outcome import CaseOutcome, RunResult, printable
from .wire import decode_value, split_frames

# How long to keep reading a channel or the output after the child ended (a descendant may hold it).
_LINGER = 0.5


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class RunTranscript:
    """What this process reads during one run: the child's channel and its printed output."""

    def __init__(self, channel, out_r, limits):
        self.channel, self.out_r, self.limits = channel, out_r, limits
        self.data = bytearray()       # the channel's bytes after READY
        self.output = bytearray()     # the first output_excerpt bytes printed
        self.output_bytes = 0
        self.open = {channel.fileno(), out_r}
        self.overflow = self.done = False

    def pump(self, ready):
        """Read what is ready on the channel and the output pipe."""
        if self.out_r in ready:
            chunk = os.read(self.out_r, 1 << 20)
            if chunk:
                room = self.limits.output_excerpt - len(self.output)
                if room > 0:
                    self.output += chunk[:room]
                self.output_bytes += len(chunk)
            else:
                self.open.discard(self.out_r)
        if self.channel.fileno() in ready:
            try:
                chunk = self.channel.recv(1 << 20)
            except OSError:
                chunk = b""
            if chunk and self.overflow:
                pass  # too much already: read on (so the child never blocks) and drop it
            elif chunk:
                self.data += chunk
                if len(self.data) > self.limits.result_bytes:
                    self.overflow = True
                elif self.data.endswith(DONE):
                    self.done = True
            else:
                self.open.discard(self.channel.fileno())

    def linger(self):
        """After the child ended: what is still in the pipes, briefly."""
        end = time.monotonic() + _LINGER
        while self.open and not self.overflow and time.monotonic() < end:
            ready, _w, _x = select.select(list(self.open), [], [], max(0.0, end - time.monotonic()))
            if not ready:
                break
            self.pump(ready)


def interpret(reply, run, n_cases, limits):
    """The zygote's ``ended`` and what the child sent after READY -> RunResult. Nothing the child
    sent can raise here: a frame that cannot be read is that case's error."""
    outcomes, setup_error = {}, None
    stream = bytes(run.data[:limits.result_bytes])
    reply = dict(reply, overflow=run.overflow)
    for frame, blobs in split_frames(stream):
        if not isinstance(frame, dict) or frame.get("done") is True:
            continue
        if isinstance(frame.get("setup_error"), str) and setup_error is None:
            setup_error = printable(frame["setup_error"]) or _("your code could not be run")
        index = frame.get("case")
        if type(index) is int and 0 <= index < n_cases and index not in outcomes:
            outcomes[index] = case_outcome(frame, blobs)

    if reply["timed_out"] and not run.done:
        status = "timeout"
        first = _("did not finish within {seconds:g} s, so the grader stopped it (an endless loop, or far too "
                  "slow)").format(seconds=limits.timeout)
        later = _("not run: an earlier case did not finish in time")
    elif run.overflow:
        status = "overflow"
        first = _("your code sent back more than {limit:,} bytes of results").format(limit=limits.result_bytes)
        later = _("not run: an earlier case sent back too much data")
    elif reply["signal"] is not None and not run.done:
        status = "crashed"
        name = _signal_name(reply["signal"])
        if reply["signal"] == signal.SIGKILL:
            first = _("the process running your code was killed (SIGKILL): it used too much memory, or killed "
                      "itself")
        elif reply["signal"] == signal.SIGXCPU:
            first = _("your code used too much CPU time, so the grader stopped it")
        else:
            first = _("the process running your code crashed ({signal})").format(signal=name)
        later = _("not run: the process running your code ended during an earlier case")
    else:
        code = reply["exit_code"]
        status = "finished" if len(outcomes) == n_cases or setup_error else "exited"
        first = _("your code ended the grading process (exit code {code}: os._exit, or sys.exit outside the "
                  "method?) before this case finished").format(code=code)
        later = _("not run: the process running your code ended during an earlier case")

    cases, missing = [], 0
    for i in range(n_cases):
        if i in outcomes:
            cases.append(outcomes[i])
        elif setup_error is not None:
            cases.append(CaseOutcome(error=setup_error))
        else:
            cases.append(CaseOutcome(error=first if missing == 0 else later))
            missing += 1
    return RunResult(cases, status, seconds=reply["seconds"],
                     output=printable(bytes(run.output).decode("utf-8", "replace"), 1 << 16),
                     output_bytes=run.output_bytes, output_cut=run.output_bytes >= limits.output_bytes,
                     max_rss_kib=reply["max_rss_kib"])


def case_outcome(frame, blobs):
    try:
        return read_case(frame, blobs)
    except Exception:  # RecursionError, MemoryError ... from hostile bytes: this case's outcome
        return CaseOutcome(error=_("the results of this case could not be read"))

def read_case(frame, blobs):
    if "error" in frame:
        return CaseOutcome(error=printable(frame["error"]) or _("your code raised an error"))
    outputs = frame.get("outputs")
    if not isinstance(outputs, dict):
        return CaseOutcome(error=_("the results of this case could not be read"))
    for name, desc in outputs.items():
        if isinstance(desc, dict) and desc.get("type") == "too_big":
            return CaseOutcome(error=_("{name} is an array of shape {shape} ({nbytes} bytes), far larger than "
                                       "expected").format(name=printable(name, 100), shape=printable(desc.get("shape"), 100),
                                                          nbytes=printable(desc.get("nbytes"), 30)))
    try:
        return CaseOutcome(outputs={printable(k, 100): decode_value(v, blobs) for k, v in outputs.items()})
    except ValueError as exc:
        return CaseOutcome(error=_("the results of this case could not be read: {reason}").format(
            reason=printable(exc, 300)))
