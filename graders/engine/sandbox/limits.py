"""What one method run may use (``Limits``), and the rlimits that hold the child to it.

Standard library only: the zygote loads this module by path.
"""
import os
import resource
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """What one method run of a submission may use."""
    timeout: float = 10.0            # seconds of wall clock for all the cases of one method
    memory_mib: int = 1024           # address space the student's code may add, MiB
    output_bytes: int = 1 << 20      # printed output kept (the rest is cut, the grade stands); any file's size
    output_excerpt: int = 4096       # how much of that output the report quotes
    result_bytes: int = 64 << 20     # arrays sent back, bytes
    workdir_mib: int = 64            # the private tmpfs working directory, MiB


def _vm_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def apply_rlimits(limits):
    """limits: Limits as a dict. Address space (what the process has now plus memory_mib), CPU
    time (a second line behind the wall clock), size of any file written, open files, no core
    dumps."""
    cpu = int(limits["timeout"]) + 2
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["output_bytes"], limits["output_bytes"]))
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    memory = _vm_bytes() + limits["memory_mib"] * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def forbid_new_processes():
    """No new processes or threads (only effective for a uid other than root): nothing can
    outlive the kill of the child's process group."""
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
