"""The sandbox: run a student's class in a contained child process, get plain arrays back.

One module per job:

- ``trusted``: the parent's side (``Sandbox``, ``SandboxError``, results), the only one the rest
  of the grader imports;
- ``zygote``: the warm interpreter that forks a child per run and never touches students' data;
- ``child``: what the forked child does: contain itself, then run the student's class;
- ``namespaces`` (mount, IPC, network; root), ``landlock``, ``seccomp``, ``limits`` (rlimits):
  the layers of containment;
- ``messages``: the wording of the student's errors;
- ``wire``: the message format and the untrusted-bytes readers (.npy without pickle).

All but ``trusted`` import only the standard library, numpy and pyseccomp, with relative imports:
the zygote loads them by path as the package ``_backprop_sandbox``, never through ``graders``.
See docs/engine.md for the threat model.
"""
from .limits import Limits
from .trusted import CaseOutcome, RunResult, Sandbox, SandboxCase, SandboxError, printable

__all__ = ["Limits", "CaseOutcome", "RunResult", "Sandbox", "SandboxCase", "SandboxError", "printable"]
