"""``jupyter lab`` in a throw-away home: 127.0.0.1, a token, a free port, no browser, no network.

Everything Jupyter, IPython and matplotlib write (config, data, runtime files, settings, workspaces)
goes under ``home``, so the server sees the installed extensions (nbgrader's among them) and no one's
personal settings, and leaves nothing outside the temporary folder.
"""
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from browser.processes import assert_all_gone, descendants, stop_process_group

# What Jupyter would otherwise fetch from the internet: JupyterLab's news feed and update check,
# and the PyPI listing of the extension manager.
OFFLINE_CONFIG = {
    "LabApp": {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
        "extension_manager": "readonly",
    },
}

# The client side of the same: never ask whether to fetch news, never fetch it.
OFFLINE_LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


class JupyterLab:
    """A JupyterLab server serving ``root``, with its whole environment under ``home``.

    Use as a context manager; ``url(path)`` gives a page address with the token in it.
    """

    def __init__(self, root: Path, home: Path, nbgrader_config: str = ""):
        self.root = Path(root)
        self.home = Path(home)
        self.nbgrader_config = nbgrader_config  # the student's ~/.jupyter/nbgrader_config.py (e.g. the exchange)
        self.token = secrets.token_hex(16)
        self.base_url = None
        self.process = None
        self.log_path = self.home / "jupyter-lab.log"
        self._log = None
        self._seen = {}  # pid -> psutil.Process: the server and every kernel it started

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def env(self) -> dict:
        """The server's environment: this one, with every per-user folder moved under ``home``."""
        dirs = {
            "HOME": self.home,
            "JUPYTER_CONFIG_DIR": self.home / ".jupyter",
            "JUPYTER_DATA_DIR": self.home / ".local/share/jupyter",
            "JUPYTER_RUNTIME_DIR": self.runtime_dir,
            "JUPYTERLAB_SETTINGS_DIR": self.home / ".jupyter/lab/user-settings",
            "JUPYTERLAB_WORKSPACES_DIR": self.home / ".jupyter/lab/workspaces",
            "IPYTHONDIR": self.home / ".ipython",
            "MPLCONFIGDIR": self.home / ".config/matplotlib",
            "XDG_CACHE_HOME": self.home / ".cache",
            "XDG_CONFIG_HOME": self.home / ".config",
            "XDG_DATA_HOME": self.home / ".local/share",
        }
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("JUPYTER", "JPY_", "IPYTHON", "PYTHONPATH", "BACKPROP_LAB"))}
        env.update({k: str(v) for k, v in dirs.items()})
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        # As in a student's activated virtual environment: its commands (nbgrader, alembic) come first.
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", os.defpath)])
        for d in dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        return env

    def _write_config(self, env):
        config_dir = Path(env["JUPYTER_CONFIG_DIR"])
        (config_dir / "jupyter_server_config.json").write_text(json.dumps(OFFLINE_CONFIG, indent=1))
        if self.nbgrader_config:
            (config_dir / "nbgrader_config.py").write_text(self.nbgrader_config)
        settings_dir = Path(env["JUPYTERLAB_SETTINGS_DIR"])
        for rel, settings in OFFLINE_LAB_SETTINGS.items():
            path = settings_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(settings, indent=1))

    def start(self, timeout=90.0):
        env = self.env()
        self._write_config(env)
        # port 0: the OS picks a free port and the server writes it into its runtime file, so
        # there is no window in which another process could take a port we chose.
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser",
               "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")  # CI runs as root; a student would not
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(cmd, cwd=self.root, env=env, stdin=subprocess.DEVNULL,
                                        stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self.base_url = self._wait_until_serving(Path(env["JUPYTER_RUNTIME_DIR"]), timeout)

    def _wait_until_serving(self, runtime_dir, timeout):
        info_file = runtime_dir / f"jpserver-{self.process.pid}.json"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.process.returncode}:\n{self.log_tail()}")
            if info_file.exists():
                try:
                    info = json.loads(info_file.read_text())
                    base = f"http://127.0.0.1:{info['port']}{info['base_url']}"
                    with urllib.request.urlopen(f"{base}api/status?token={self.token}", timeout=5) as r:
                        if r.status == 200:
                            return base
                except (ValueError, KeyError, OSError):
                    pass  # the file is half written, or the server is not answering yet
            time.sleep(0.2)
        raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    @property
    def runtime_dir(self) -> Path:
        """Where the server writes its info file and the kernels' connection files."""
        return self.home / ".local/share/jupyter/runtime"

    def url(self, path="lab") -> str:
        return f"{self.base_url}{path}?token={self.token}"

    def remember_processes(self):
        """Note the server's current descendants (kernels), so that ``processes()`` still lists them once stopped."""
        if self.process is not None:
            for p in descendants(self.process.pid):
                self._seen.setdefault(p.pid, p)

    def processes(self):
        """The server's descendants noted so far (kernels run in their own sessions, not in the server's group)."""
        self.remember_processes()
        return list(self._seen.values())

    def stop(self):
        if self.process is None:
            return
        self.remember_processes()
        try:
            stop_process_group(self.process)
            # Kernels run in sessions of their own: a server killed before it shut them down leaves them.
            assert_all_gone(self.processes(), "jupyter lab")
        finally:
            if self._log:
                self._log.close()

    def log_tail(self, n=40) -> str:
        if self._log:
            self._log.flush()
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"
