"""A seccomp filter for the sandboxed child: system calls a backward pass never needs fail.

Built with libseccomp through ``pyseccomp`` (a ctypes binding of libseccomp.so.2 with the API of
libseccomp's own Python bindings), never as hand-written BPF. Everything not listed stays
allowed: Python, numpy and ``utils`` need memory, files below what Landlock allows, and the
inherited pipes, nothing more. Denied calls fail with EPERM (``clone3`` with ENOSYS, so that a C
library falls back to ``clone``, whose flags the filter can see):

- new namespaces: ``unshare``, ``setns``, ``clone`` with any CLONE_NEW* flag (a user namespace
  would give the child capabilities over a fresh network, mount or IPC namespace);
- io_uring (``io_uring_setup``/``enter``/``register``): a second system-call path that seccomp and
  older Landlock ABIs do not see;
- sockets of any kind (``socket``, ``socketpair``, ``connect``, ``bind``, ``listen``, ``accept``):
  no UDP or TCP, and no connection to a pathname unix socket, which is a file no namespace hides;
- System V and POSIX IPC (``shmget``, ``semget``, ``msgget``, ``mq_open`` ...): nothing shared with
  another process, even without an IPC namespace;
- reaching other processes or the kernel: ``ptrace``, ``process_vm_readv``/``writev``, ``kcmp``,
  ``pidfd_getfd``, ``bpf``, ``perf_event_open``, ``userfaultfd``, key rings, module loading,
  mounting, ``chroot``, ``pivot_root``, ``reboot``, ``swapon``, clocks, host names.

``SyscallFilter`` is compiled once in the zygote; each child only loads it (after
PR_SET_NO_NEW_PRIVS, the last step of its containment). Without pyseccomp or libseccomp.so.2
``build_filter`` returns None with the reason, and the grader warns that this layer is missing.

Standard library (and pyseccomp) only: the zygote loads this module by path.
"""
import errno

NAMESPACE_FLAGS = {
    "CLONE_NEWTIME": 0x00000080, "CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000, "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000,
    "CLONE_NEWPID": 0x20000000, "CLONE_NEWNET": 0x40000000,
}

DENIED = (
    # namespaces
    "unshare", "setns",
    # io_uring
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    # sockets
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
    # System V and POSIX IPC
    "shmget", "shmat", "shmctl", "shmdt", "semget", "semop", "semctl", "semtimedop",
    "msgget", "msgsnd", "msgrcv", "msgctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive",
    "mq_notify", "mq_getsetattr",
    # other processes
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    # the kernel and the machine
    "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount",
    "fsconfig", "fspick", "mount_setattr", "open_by_handle_at", "name_to_handle_at", "fanotify_init",
    "reboot", "swapon", "swapoff", "syslog", "acct", "quotactl", "vhangup", "iopl", "ioperm",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "sethostname", "setdomainname",
)


def build_filter():
    """(filter ready to load, None) or (None, why there is none)."""
    try:
        import pyseccomp as seccomp
    except ImportError:
        return None, "pyseccomp is not installed"
    except Exception as exc:  # it loads libseccomp.so.2 when imported
        return None, f"libseccomp could not be loaded: {exc}"
    try:
        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        deny = seccomp.ERRNO(errno.EPERM)
        for name in DENIED:
            try:
                rules.add_rule(deny, name)
            except (ValueError, OSError):  # not a system call on this architecture
                continue
        for flag in NAMESPACE_FLAGS.values():
            rules.add_rule(deny, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
        try:
            rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
        except (ValueError, OSError):
            pass
    except (OSError, RuntimeError, AttributeError) as exc:  # libseccomp.so.2 missing or too old
        return None, f"libseccomp could not build the filter: {exc}"
    return rules, None


def load(rules):
    """Apply the filter to this process (and anything it starts), for good."""
    rules.load()
