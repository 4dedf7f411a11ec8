"""Seeds: a regrade sees the same inputs, every student others, the self-check never the grading ones."""
import hashlib
import hmac
import json
import os
import stat

import numpy as np
import pytest

from graders.core.cases import random_cases
from repo_course import EXERCISES
from graders.core.seeds import SECRET_ENV, MissingSecretError, SeedSource, course_seeds, create_course_secret, \
    load_course_secret, public_seeds, rotate_course_secret

ASSIGNMENT = "conv_pool_backward"


def inputs_of(seeds):
    """{(method, case, input): array} for every case of every exercise."""
    return {(method, case.name, name): value
            for method in EXERCISES
            for case in random_cases(method, seeds)
            for name, value in case.inputs.items()}


def differs_everywhere(a, b):
    """Every input array of a differs from the same input of b (no case shares its numbers)."""
    return a.keys() == b.keys() and all(not np.array_equal(a[key], b[key]) for key in a)


def test_a_regrade_reproduces_the_inputs():
    first = inputs_of(course_seeds("secret-1", "alice", ASSIGNMENT))
    again = inputs_of(course_seeds("secret-1", "alice", ASSIGNMENT))
    assert first.keys() == again.keys()
    assert all(np.array_equal(first[key], again[key]) for key in first)


@pytest.mark.parametrize("other", [("secret-1", "bob", ASSIGNMENT), ("secret-2", "alice", ASSIGNMENT),
                                   ("secret-1", "alice", "another_assignment"), ("secret-1", "alice ", ASSIGNMENT)],
                         ids=["student", "secret", "assignment", "student-with-space"])
def test_any_other_student_secret_or_assignment_gets_other_inputs(other):
    assert differs_everywhere(inputs_of(course_seeds("secret-1", "alice", ASSIGNMENT)),
                              inputs_of(course_seeds(*other)))


def test_public_seeds_are_not_anybodys_grading_seeds():
    public = inputs_of(public_seeds(ASSIGNMENT))
    assert all(np.array_equal(public[key], value) for key, value in inputs_of(public_seeds(ASSIGNMENT)).items())
    for student in ["alice", "bob", "(public self-check)"]:
        assert differs_everywhere(public, inputs_of(course_seeds("secret-1", student, ASSIGNMENT)))


def test_the_seed_is_hmac_sha256_of_the_documented_message():
    seeds = course_seeds("s3cret", "alice", ASSIGNMENT)
    message = json.dumps(["backprop-lab seeds v1", "grade", "alice", ASSIGNMENT, "MaxPool.backward/ties"])
    digest = hmac.new(b"s3cret", message.encode(), hashlib.sha256).digest()
    assert seeds.digest("MaxPool.backward/ties") == digest
    words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 32, 4)]
    expected = np.random.default_rng(words).standard_normal(3)
    assert np.array_equal(seeds.rng("MaxPool.backward/ties").standard_normal(3), expected)


def test_the_secret_never_shows():
    seeds = course_seeds("very-secret-value", "alice", ASSIGNMENT)
    assert "very-secret-value" not in repr(seeds)


@pytest.mark.parametrize("args, message", [(("", "alice", ASSIGNMENT), "secret"),
                                           (("s", "", ASSIGNMENT), "student"),
                                           (("s", "alice", None), "assignment")])
def test_bad_arguments_are_clear_errors(args, message):
    with pytest.raises(ValueError, match=message):
        course_seeds(*args)


def test_course_secret_is_created_once_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    secret, created = create_course_secret(tmp_path)
    path = tmp_path / ".course_secret"
    assert created and len(secret) == 64 and int(secret, 16) >= 0
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert create_course_secret(tmp_path) == (secret, False)
    assert load_course_secret(tmp_path) == secret
    assert sorted(p.name for p in tmp_path.iterdir()) == [".course_secret"]  # no temporary files left


def test_loading_never_creates_a_secret(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    with pytest.raises(MissingSecretError, match="run `backprop-lab --course .* build` first"):
        load_course_secret(tmp_path)
    assert not (tmp_path / ".course_secret").exists()


def test_rotation_replaces_the_secret_and_keeps_the_old_one(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    old, _ = create_course_secret(tmp_path)
    kept = rotate_course_secret(tmp_path)
    new = load_course_secret(tmp_path)
    assert new != old and len(new) == 64
    assert kept.read_text().strip() == old and kept.name.startswith(".course_secret.old-")
    assert stat.S_IMODE(os.stat(tmp_path / ".course_secret").st_mode) == 0o600
    monkeypatch.setenv(SECRET_ENV, "from-env")
    with pytest.raises(ValueError, match="comes from BACKPROP_LAB_SECRET"):
        rotate_course_secret(tmp_path)


def test_the_environment_wins_over_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "  from-the-environment \n")
    assert load_course_secret(tmp_path) == "from-the-environment"
    assert not (tmp_path / ".course_secret").exists()


def test_secret_errors_say_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_course_secret(tmp_path / "missing")
    (tmp_path / ".course_secret").write_text("\n")
    with pytest.raises(ValueError, match="is empty: restore it"):
        load_course_secret(tmp_path)


def test_seed_source_rejects_an_empty_key():
    with pytest.raises(ValueError, match="key"):
        SeedSource(b"", "grade", "alice", ASSIGNMENT)
