"""Remember finished grades, so that an interrupted or repeated batch regrades only what changed.

A grade is reused when everything that decides it is unchanged: the submitted notebooks' bytes,
the student and assignment (they pick the inputs), the grader's code (graders/, utils/,
solutions/), numpy's version, the course secret and the time and memory limits. The cache is a
SQLite file; each grade is committed as soon as it is known, so a batch killed half-way keeps
every grade it finished.
"""
import hashlib
import hmac
import json
import sqlite3
import threading
from pathlib import Path

import numpy as np

CACHE_NAME = ".backprop-lab-grades.sqlite"
_REPO = Path(__file__).resolve().parents[2]


def grader_fingerprint():
    """A digest of the code that decides grades (every .py file of graders/, utils/, solutions/)."""
    digest = hashlib.sha256(f"numpy {np.__version__}".encode())
    for folder in ("graders", "utils", "solutions"):
        for path in sorted((_REPO / folder).rglob("*.py")):
            digest.update(str(path.relative_to(_REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def secret_tag(secret):
    """Stands for the course secret in cache keys without revealing it."""
    return hmac.new(secret.encode(), b"backprop-lab grade cache", hashlib.sha256).hexdigest()


def submission_key(submission, files, fingerprint, secret, limits):
    """The cache key of one submission.

    - files: {file name: bytes} of every notebook that was graded or looked at
    - limits: a JSON-ready dict of the limits the grade was made under
    """
    parts = {
        "student": submission.student,
        "assignment": submission.assignment,
        "files": sorted((name, hashlib.sha256(data).hexdigest()) for name, data in files.items()),
        "grader": fingerprint,
        "secret": secret_tag(secret),
        "limits": limits,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


class GradeCache:
    """A thread-safe key -> result store in one SQLite file."""

    def __init__(self, path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS grades (key TEXT PRIMARY KEY, student TEXT, "
                         "assignment TEXT, result TEXT NOT NULL)")
        self._db.commit()

    def get(self, key):
        with self._lock:
            row = self._db.execute("SELECT result FROM grades WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key, result):
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO grades VALUES (?, ?, ?, ?)",
                             (key, result["student"], result["assignment"], json.dumps(result)))
            self._db.commit()

    def close(self):
        with self._lock:
            self._db.close()
