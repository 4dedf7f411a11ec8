"""Fresh yet reproducible random inputs: one seed per (student, assignment, case).

A case's seed is HMAC-SHA256 under the course secret of (student, assignment, case name). So a
regrade reproduces the very same inputs, every student gets inputs of their own, and nobody
without the secret can compute them. The students' self-check uses ``public_seeds``, derived
under a public key in another domain, so its inputs are never the grading inputs.

The secret: env BACKPROP_LAB_SECRET, else ``<course>/.course_secret`` (created on first use,
git-ignored, never bundled).
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


def load_course_secret(course_dir):
    """The course secret: env BACKPROP_LAB_SECRET if set, else <course_dir>/.course_secret.

    The file is created on first use (64 hex digits from ``secrets.token_hex(32)``, readable by
    its owner only); creation is atomic, so graders started in parallel agree on one secret.
    """
    from_env = os.environ.get(SECRET_ENV)
    if from_env is not None and from_env.strip():
        return from_env.strip()
    course_dir = Path(course_dir)
    if not course_dir.is_dir():
        raise FileNotFoundError(
            f"course folder {course_dir} does not exist: cannot read or create the course secret "
            f"{SECRET_FILE} there (or set {SECRET_ENV})")
    path = course_dir / SECRET_FILE
    if not path.exists():
        # Write a complete file under a private name, then link it into place: link fails if another
        # grader got there first, and nobody ever reads a half-written secret.
        temporary = course_dir / f"{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_hex(32) + "\n")
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass
        finally:
            temporary.unlink()
    secret = path.read_text(encoding="utf-8").strip()
    if not secret:
        raise ValueError(f"the course secret file {path} is empty: delete it to create a new one "
                         f"(regrades would then see new inputs) or set {SECRET_ENV}")
    return secret
