"""One ``backprop-lab grade`` at a time per course: ``flock`` on the course folder itself, held while grading.

    with course_lock(course_dir, notify):
        ...grade, write the cache, the gradebook and the outputs...

Two grade runs on one course would write the same gradebook, cache and output files; the second one waits
for the first to finish (saying so once), then runs. The lock is taken on the course folder's own file
descriptor (Linux ``flock`` locks directories too), so no lock file is ever left in the course, and the kernel
releases it when its holder exits, however it exits: a killed run never leaves the course locked.
"""
import fcntl
import os
from contextlib import contextmanager


@contextmanager
def course_lock(course_dir, notify):
    """Hold the course's grade lock for the block; ``notify(sentence)`` once if another run holds it."""
    fd = os.open(course_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            notify(f"another `backprop-lab grade` is grading the course {course_dir}; waiting for it to finish "
                   f"(Ctrl-C to stop)")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
