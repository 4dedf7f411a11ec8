"""The exercises: one folder each, discovered (never registered by hand), and the course file.

- ``graders/exercises/<id>/`` are the built-in exercise folders; a course's own live in
  ``<course>/exercises/<id>/`` with the same shape (docs/adding-an-exercise.md).
- ``graders.exercises.folder`` reads a folder: spec, cases, mistakes, sample answers, figures; the
  formats of its files are ``spec_files`` (exercise.toml, cases.toml) and ``catalogue`` (``@mistake``,
  sample answers).
- ``graders.exercises.course_file`` reads ``course.toml``: which assignments hold which exercises,
  with what settings; ``get_exercise`` looks a name up in the active course.
- ``graders.exercises.markers``: the Educoder Begin/End lines.
"""
from graders.exercises.course_file import (COURSE_FILE, Course, CourseError, Exercise, active_course, course_problem,
                                           find_course_dir, get_exercise, load_course, resolve_course, use_course)
from graders.exercises.catalogue import Answer, Mistake, mistake
from graders.exercises.folder import ExerciseFolder, builtin_folders
from graders.exercises.spec_files import CaseSpec, ExerciseFormatError
from graders.exercises.markers import EDUCODER_BEGIN, EDUCODER_END, educoder_region, educoder_regions, method_regions

__all__ = ["COURSE_FILE", "Answer", "CaseSpec", "Course", "CourseError", "EDUCODER_BEGIN", "EDUCODER_END", "Exercise",
           "ExerciseFolder", "course_problem", "ExerciseFormatError", "Mistake", "active_course", "builtin_folders", "educoder_region",
           "educoder_regions", "find_course_dir", "get_exercise", "load_course", "method_regions", "mistake",
           "resolve_course", "use_course"]
