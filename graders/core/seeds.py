"""Fresh yet reproducible random inputs: one seed per (student, assignment, case).

A case's seed is HMAC-SHA256 under the course secret of (student, assignment, case name). So a
regrade reproduces the very same inputs, every student gets inputs of their own, and nobody
without the secret can compute them. The students' self-check uses ``public_seeds``, derived
under a public key in another domain, so its inputs are never the grading inputs.

The secret: env BACKPROP_LAB_SECRET, else ``<course>/.course_secret`` (made by ``backprop-lab build``,
replaced only by ``backprop-lab build --rotate-secret``; git-ignored, never bundled). Grading never
makes one: a new secret would silently give every student new inputs.
"""
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

import numpy as np

SECRET_ENV = "BACKPROP_LAB_SECRET"
SECRET_FILE = ".course_secret"
_VERSION = "backprop-lab seeds v1"
_PUBLIC_KEY = b"backprop-lab public self-check cases"  # public on purpose: anyone may rebuild these


class SeedSource:
    """Random generators for the cases of one (student, assignment): ``rng(case_name)``.

    Each generator is seeded from HMAC-SHA256(key, [version, domain, student, assignment, case])
    (JSON-encoded, so no two tuples give the same message).
    """

    def __init__(self, key, domain, student, assignment):
        if not isinstance(key, bytes) or not key:
            raise ValueError("SeedSource: key must be non-empty bytes")
        for name, value in (("student", student), ("assignment", assignment)):
            if not isinstance(value, str) or not value:
                raise ValueError(f"SeedSource: {name} must be a non-empty string, got {value!r}")
        self._key = key
        self.domain = domain
        self.student = student
        self.assignment = assignment

    def digest(self, case_name):
        """The case's 32-byte HMAC-SHA256 digest: the seed."""
        message = json.dumps([_VERSION, self.domain, self.student, self.assignment, str(case_name)])
        return hmac.new(self._key, message.encode("utf-8"), hashlib.sha256).digest()

    def rng(self, case_name):
        """A new numpy Generator for the case, seeded with the digest's eight little-endian uint32
        words (faster than a 256-bit int); the same name always gives the same stream."""
        return np.random.default_rng(np.frombuffer(self.digest(case_name), dtype="<u4"))

    def __repr__(self):  # never shows the key
        return f"SeedSource(domain={self.domain!r}, student={self.student!r}, assignment={self.assignment!r})"


def course_seeds(secret, student, assignment):
    """The grading seeds of one student's submission of an assignment, under the course secret."""
    if not isinstance(secret, str) or not secret.strip():
        raise ValueError("course_seeds: the course secret must be a non-empty string")
    return SeedSource(secret.encode("utf-8"), "grade", student, assignment)


def public_seeds(assignment):
    """The self-check's seeds: the same for everyone, and not the grading seeds of anyone."""
    return SeedSource(_PUBLIC_KEY, "public", "(public self-check)", assignment)


class MissingSecretError(FileNotFoundError):
    """The course has no secret yet: ``backprop-lab build`` makes it."""


def _secret_from_env():
    value = os.environ.get(SECRET_ENV)
    return value.strip() if value is not None and value.strip() else None


def load_course_secret(course_dir):
    """The course secret: env BACKPROP_LAB_SECRET if set, else <course_dir>/.course_secret.

    Never creates one (a new secret means new inputs for everyone): raises MissingSecretError when
    there is none, saying to run ``backprop-lab build``, which makes it (``create_course_secret``).
    """
    from_env = _secret_from_env()
    if from_env is not None:
        return from_env
    course_dir = Path(course_dir)
    path = course_dir / SECRET_FILE
    if not course_dir.is_dir():
        raise MissingSecretError(f"course folder {course_dir} does not exist (pass the course with --course)")
    if not path.exists():
        raise MissingSecretError(
            f"the course {course_dir} has no secret ({SECRET_FILE}): run `backprop-lab --course {course_dir} build` "
            f"first (it creates the secret that picks every student's grading inputs), or set {SECRET_ENV}")
    secret = path.read_text(encoding="utf-8").strip()
    if not secret:
        raise ValueError(f"the course secret file {path} is empty: restore it from a backup, or make a new one "
                         f"with `backprop-lab build --rotate-secret` (every student's inputs then change), "
                         f"or set {SECRET_ENV}")
    return secret


def _write_new_secret(path, replace):
    """Write a fresh secret (64 hex digits, ``secrets.token_hex(32)``, owner-only) to path, atomically:
    a complete file under a private name is linked (first creation: fails if another process got there
    first, and nobody ever reads a half-written secret) or renamed (rotation) into place."""
    temporary = path.parent / f"{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        if replace:
            os.replace(temporary, path)
            return
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        if temporary.exists():
            temporary.unlink()


def create_course_secret(course_dir):
    """Make <course_dir>/.course_secret unless the course has one -> (secret, created?).

    ``backprop-lab build`` calls this; nothing else creates a secret. With BACKPROP_LAB_SECRET set,
    that is the secret and no file is made."""
    from_env = _secret_from_env()
    if from_env is not None:
        return from_env, False
    course_dir = Path(course_dir)
    if not course_dir.is_dir():
        raise MissingSecretError(f"course folder {course_dir} does not exist (pass the course with --course)")
    path = course_dir / SECRET_FILE
    created = not path.exists()
    if created:
        _write_new_secret(path, replace=False)
    return load_course_secret(course_dir), created


def rotate_course_secret(course_dir):
    """Replace the course secret by a new one -> the path the old one was moved to (None if there was none).

    Every student's grading inputs change, and cached grades no longer apply (a regrade runs everything
    again on the new inputs). The old secret is kept as .course_secret.old-<UTC time>, to go back."""
    import datetime

    if _secret_from_env() is not None:
        raise ValueError(f"the course secret comes from {SECRET_ENV}: change that variable instead")
    course_dir = Path(course_dir)
    path = course_dir / SECRET_FILE
    kept = None
    if path.exists():
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        kept = course_dir / f"{SECRET_FILE}.old-{stamp}"
        os.link(path, kept)
    _write_new_secret(path, replace=True)
    return kept
