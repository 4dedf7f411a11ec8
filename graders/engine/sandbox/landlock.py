"""Landlock, through its three system calls (the same numbers on every Linux architecture).

Landlock lets an unprivileged process restrict itself for good: the sandboxed child may read only
below the Python library, numpy and ``utils``, write only in its working directory, and (with the
kernel's ABI 4) use no TCP, (ABI 6) send no signal and reach no abstract unix socket outside
itself. It needs no root; without Landlock in the kernel these rules are absent and the mount
namespace (root only) is what hides the course.

Standard library only: the zygote loads this module by path.
"""
import ctypes
import os


_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446
_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_ALL_ABI1 = (1 << 13) - 1
_FS_REFER, _FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def check(result, what):
    """A libc call's result, or OSError with errno when it is negative."""
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def landlock_abi():
    """The kernel's Landlock ABI version, 0 when it has none (or it is disabled)."""
    try:
        version = _libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0),
                                ctypes.c_uint32(_RULESET_VERSION))
    except Exception:
        return 0
    return max(int(version), 0)


def landlock_restrict(abi, read_paths, write_paths):
    """Restrict this process for good: read (and execute) below read_paths, anything below
    write_paths, nothing else on the file system; with ABI >= 4 no TCP, with ABI >= 6 no
    signals or abstract unix sockets to processes outside this one's domain."""
    handled = _FS_ALL_ABI1
    if abi >= 2:
        handled |= _FS_REFER
    if abi >= 3:
        handled |= _FS_TRUNCATE
    if abi >= 5:
        handled |= _FS_IOCTL_DEV
    attr = _RulesetAttr(handled_access_fs=handled)
    size = 8
    if abi >= 4:
        attr.handled_access_net = _NET_BIND_TCP | _NET_CONNECT_TCP
        size = 16
    if abi >= 6:
        attr.scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL
        size = 24
    ruleset = check(_libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                                   ctypes.c_uint32(0)), "landlock_create_ruleset")
    try:
        read = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
        write = handled & ~FS_EXECUTE
        for paths, rights in ((read_paths, read), (write_paths, write)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except FileNotFoundError:
                    continue
                try:
                    allowed = rights if os.path.isdir(path) else rights & _FILE_RIGHTS
                    rule = _PathBeneathAttr(allowed_access=allowed & handled, parent_fd=fd)
                    check(_libc.syscall(_SYS_ADD_RULE, ctypes.c_int(ruleset),
                                         ctypes.c_int(_RULE_PATH_BENEATH), ctypes.byref(rule),
                                         ctypes.c_uint32(0)), f"landlock_add_rule {path}")
                finally:
                    os.close(fd)
        check(_libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)),
               "landlock_restrict_self")
    finally:
        os.close(ruleset)
