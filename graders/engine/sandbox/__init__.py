"""The sandbox: run a student's class in a contained child process, get plain arrays back.

One module per job:

- ``trusted``: the parent's side (``Sandbox``), with ``outcome`` (what a run gives back: ``RunResult``,
  ``CaseOutcome``, ``SandboxError``, ``printable``), ``transcript`` (reading what the child sent and
  printed, and what it means) and ``workroots`` (the working folders): the rest of the grader imports
  only this package's names below;
- ``zygote``: the warm interpreter that forks a child per run and never touches students' data;
- ``child``: what the forked child does: contain itself, then run the student's class;
- ``namespaces`` (mount, IPC, network; root), ``landlock``, ``seccomp``, ``limits`` (rlimits):
  the layers of containment;
- ``messages``: the wording of the student's errors;
- ``wire``: the message format and the untrusted-bytes readers (.npy without pickle).

All but these four import only the standard library, numpy and pyseccomp, with relative imports:
the zygote loads them by path as the package ``_backprop_sandbox``, never through ``graders``.
See docs/engine.md for the threat model.
"""
from .limits import Limits
from .outcome import CaseOutcome, RunResult, SandboxCase, SandboxError, printable
from .trusted import Sandbox

__all__ = ["Limits", "CaseOutcome", "RunResult", "Sandbox", "SandboxCase", "SandboxError", "printable"]
