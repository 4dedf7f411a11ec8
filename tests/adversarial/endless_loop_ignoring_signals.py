"""Ignores every signal it can, cancels alarms, and never returns.

method: MaxPool.backward
where: answer
score: 0..0
"""
import signal
for name in ("SIGALRM", "SIGINT", "SIGTERM", "SIGHUP", "SIGXCPU", "SIGVTALRM", "SIGPROF", "SIGUSR1"):
    signal.signal(getattr(signal, name), signal.SIG_IGN)
signal.alarm(0)
signal.setitimer(signal.ITIMER_REAL, 0)
while True:
    try:
        while True:
            pass
    except BaseException:
        pass
