"""This repository's course (assignments/course.toml) as the tests use it: the original assignment and
its exercises by name. Tests of other courses build their own (tests/test_course_file.py)."""
from pathlib import Path

from graders.exercises import load_course

REPO = Path(__file__).resolve().parent.parent
COURSE_DIR = REPO / "assignments"
COURSE = load_course(COURSE_DIR)
ASSIGNMENT = "conv_pool_backward"
EXERCISES = {exercise.name: exercise for exercise in COURSE.exercises(ASSIGNMENT)}

# Every exercise the repository holds: the course's, then any built-in folder the course does not use
# (with its default settings), so that a new folder is tested without editing a test.
ALL_EXERCISES = list({e.folder.id: e for e in COURSE.all_exercises()}.values())
ALL_EXERCISES += [COURSE.exercise(folder_id) for folder_id in COURSE.folders
                  if folder_id not in {e.folder.id for e in ALL_EXERCISES}]
MISTAKES = [mistake for exercise in ALL_EXERCISES for mistake in exercise.mistakes]
