"""Comparison of a student's outputs with the reference's.

The code lives in ``utils.checking`` (numpy only) so that the students' self-check judges and
words things exactly as the grader does; this module is the graders' name for it. The tolerance
is a course setting (``tolerance`` in course.toml); ATOL is its default.
"""
from graders.exercises.course_file import DEFAULT_TOLERANCE as ATOL
from utils.checking import OutputResult, compare_outputs, same_values

__all__ = ["ATOL", "OutputResult", "compare_outputs", "same_values"]
