"""Namespaces of the sandboxed child (root only): its own mounts, System V IPC and network.

- mount namespace: a small tmpfs as working directory; the course, the submissions and the
  graders covered by empty read-only mounts; the Python library reachable by an unprivileged uid;
- IPC namespace: shared memory, semaphores and message queues the child makes die with it, and
  it sees none made by anyone else (another submission, or the machine);
- network namespace: no interface but a loopback that is down, so no TCP or UDP anywhere, to
  127.0.0.1 included, and no abstract unix socket of the host. (Pathname unix sockets are files:
  the seccomp filter, ``seccomp.py``, forbids creating any socket at all.)

Standard library only: the zygote loads this module by path.
"""
import ctypes
import os

from .landlock import check

_libc = ctypes.CDLL(None, use_errno=True)
_CLONE_NEWNS, _CLONE_NEWIPC, _CLONE_NEWNET = 0x00020000, 0x08000000, 0x40000000
SHARED_WRITABLE = ("/dev/shm", "/tmp", "/var/tmp", "/run/shm", "/run/lock")

_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_BIND, _MS_REC, _MS_PRIVATE = 4096, 16384, 1 << 18


def _mount(source, target, fstype, flags, data):
    enc = lambda s: None if s is None else os.fsencode(s)  # noqa: E731
    check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {target}")


def _world_blocked_ancestor(path):
    """The top-most directory above path (or path) that others may not enter, or None."""
    parts = os.path.abspath(path).split(os.sep)[1:]
    current = ""
    for part in parts:
        current += os.sep + part
        try:
            mode = os.stat(current).st_mode
        except OSError:
            return None
        if not mode & 0o001:
            return current
    return None


def _inside(path, root):
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def private_mounts(workdir, workdir_bytes, uid, expose, hide):
    """In a new mount namespace: a tmpfs on workdir owned by uid; every directory in ``expose``
    reachable by an unprivileged uid (an ancestor others may not enter, such as a 0700 home,
    is covered by a tmpfs into which only the exposed directories are bind-mounted back);
    every path in ``hide`` covered by an empty read-only tmpfs. Also enters new IPC and network
    namespaces (see the module docstring)."""
    check(_libc.unshare(_CLONE_NEWNS | _CLONE_NEWIPC | _CLONE_NEWNET),
          "unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET)")
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE, None)
    owner = f",uid={uid},gid={uid}" if uid is not None else ""
    _mount("tmpfs", workdir, "tmpfs", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC,
           f"size={workdir_bytes},nr_inodes=4096,mode=0700{owner}")
    blocked = {}
    for path in expose:
        top = _world_blocked_ancestor(path)
        if top is not None:
            blocked.setdefault(top, []).append(path)
    for top, paths in blocked.items():
        fds = {p: os.open(p, os.O_PATH | os.O_DIRECTORY) for p in paths if os.path.isdir(p)}
        _mount("tmpfs", top, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=65536,mode=0755")
        for path, fd in fds.items():
            os.makedirs(path, mode=0o755, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", path, None, _MS_BIND | _MS_REC, None)
            os.close(fd)
    keep = list(expose) + [workdir]
    for path in hide:
        if not os.path.isdir(path) or any(_inside(k, path) for k in keep):
            continue
        _mount("tmpfs", path, "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC,
               "size=4096,mode=000")
    # The places every user may write (POSIX shared memory, temporary files): this child's own.
    for path in SHARED_WRITABLE:
        if os.path.isdir(path) and not any(_inside(k, path) for k in keep):
            _mount("tmpfs", path, "tmpfs", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, "size=1m,nr_inodes=64,mode=1777")
