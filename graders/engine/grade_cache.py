"""Remember finished grades, so that an interrupted or repeated batch regrades only what changed.

A grade is reused when everything that decides it is unchanged: the submitted notebooks' bytes,
the student and assignment (they pick the inputs), the grader's code (graders/, utils/,
solutions/), numpy's version, the course secret and the time and memory limits. The cache is a
SQLite file; each grade is committed as soon as it is known, so a batch killed half-way keeps
every grade it finished.

The cache file sits beside the results, where anyone who can write there can edit it, so it is never
trusted: every row carries an HMAC (SHA-256, keyed by the course secret) of its key and its result, and a
row whose HMAC does not verify is regraded (and counted in ``GradeCache.rejected``). A cache file that is
not a readable SQLite database is moved aside (``<name>.damaged-<time>``) with a warning and everything is
regraded; a cache that cannot be written (a full disk) is a warning, and the batch goes on without it.
"""
import hashlib
import hmac
import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np

CACHE_NAME = ".backprop-lab-grades.sqlite"
_REPO = Path(__file__).resolve().parents[2]
SCHEMA = 2  # rows of schema 1 had no HMAC: never read


def grader_fingerprint(*own_folders):
    """A digest of what decides grades and feedback: every .py file of graders/, utils/, solutions/, the
    exercise folders' .toml files (cases, specs) and the compiled message catalogues (.mo); the same of
    ``own_folders`` (a course's own exercise folders)."""
    digest = hashlib.sha256(f"numpy {np.__version__}".encode())
    roots = [(_REPO / folder, _REPO) for folder in ("graders", "utils", "solutions")]
    roots += [(Path(folder), Path(folder)) for folder in own_folders if Path(folder).is_dir()]
    for root, base in roots:
        paths = [p for pattern in ("*.py", "*.toml", "*.mo") for p in root.rglob(pattern)]
        for path in sorted(paths):
            digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def secret_tag(secret):
    """Stands for the course secret in cache keys without revealing it."""
    return hmac.new(secret.encode(), b"backprop-lab grade cache", hashlib.sha256).hexdigest()


def _row_key(secret):
    """The key of the rows' HMACs: derived from the course secret, never the secret itself."""
    return hmac.new(secret.encode(), b"backprop-lab grade cache rows", hashlib.sha256).digest()


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


class CacheError(RuntimeError):
    """The cache cannot be opened at all (its folder cannot be written): the message says what to do."""


class GradeCache:
    """A thread-safe key -> result store in one SQLite file, each row authenticated.

    - secret: the course secret (keys the rows' HMACs)
    - warn: called with a sentence for each problem (damaged file moved aside, cache not written)
    """

    def __init__(self, path, secret, warn=print):
        self.path = Path(path)
        self._mac_key = _row_key(secret)
        self._warn = warn
        self._lock = threading.Lock()
        self.rejected = 0          # rows whose HMAC did not verify (regraded)
        self.writable = True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = self._open()
        except sqlite3.DatabaseError as exc:  # not a database, or a damaged one
            moved = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            for suffix in ("", "-wal", "-shm"):
                source = Path(str(self.path) + suffix)
                if source.exists():
                    os.replace(source, Path(str(moved) + suffix))
            warn(f"the grade cache {self.path} could not be read ({exc}); moved it to {moved.name} and "
                 f"regrading everything")
            try:
                self._db = self._open()
            except sqlite3.DatabaseError as again:
                raise CacheError(f"the grade cache {self.path} cannot be created: {again}") from None
        except OSError as exc:
            raise CacheError(f"the grade cache {self.path} cannot be created: {exc.strerror or exc}") from None

    def _open(self):
        db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS grades (key TEXT PRIMARY KEY, student TEXT, "
                       "assignment TEXT, result TEXT NOT NULL)")
            columns = {row[1] for row in db.execute("PRAGMA table_info(grades)")}
            if "mac" not in columns:
                db.execute("ALTER TABLE grades ADD COLUMN mac TEXT")
            db.execute("PRAGMA quick_check").fetchone()
            db.commit()
        except BaseException:
            db.close()
            raise
        return db

    def _mac(self, key, text):
        return hmac.new(self._mac_key, f"{SCHEMA}\0{key}\0{text}".encode(), hashlib.sha256).hexdigest()

    def get(self, key):
        """The stored result of ``key``, or None (none stored, or its row does not verify, or the file broke)."""
        try:
            with self._lock:
                row = self._db.execute("SELECT result, mac FROM grades WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as exc:
            self._warn(f"the grade cache {self.path} could not be read ({exc}); regrading")
            return None
        if row is None:
            return None
        text, mac = row
        if not isinstance(text, str) or not isinstance(mac, str) or not hmac.compare_digest(mac, self._mac(key, text)):
            self.rejected += 1
            return None
        try:
            result = json.loads(text)
        except ValueError:
            self.rejected += 1
            return None
        return result if isinstance(result, dict) else None

    def put(self, key, result):
        if not self.writable:
            return
        text = json.dumps(result)
        try:
            with self._lock:
                self._db.execute("INSERT OR REPLACE INTO grades (key, student, assignment, result, mac) "
                                 "VALUES (?, ?, ?, ?, ?)",
                                 (key, result["student"], result["assignment"], text, self._mac(key, text)))
                self._db.commit()
        except (sqlite3.DatabaseError, OSError) as exc:
            self.writable = False
            try:
                self._db.rollback()
            except sqlite3.DatabaseError:
                pass
            self._warn(f"the grade cache {self.path} could not be written ({exc}): is the disk full? Grading goes "
                       f"on without it; a rerun will regrade what was not stored")

    def close(self):
        with self._lock:
            try:
                self._db.close()
            except sqlite3.DatabaseError:
                pass
