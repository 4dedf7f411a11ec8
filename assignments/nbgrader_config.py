# nbgrader configuration of the backprop-lab course. Run nbgrader's commands in this folder:
#   backprop-lab build                      (renders source/ from the exercise folders, then generate_assignment)
#   nbgrader autograde conv_pool_backward   (submitted/<student>/conv_pool_backward/*.ipynb)
#   nbgrader generate_feedback conv_pool_backward
#   nbgrader export
# The hardened grading path is `backprop-lab grade` (a sandbox per submission); see docs/course.md.
# What nbgrader owns and a course chooses goes here (course id, due dates, late policy, database URL);
# what every backprop-lab course needs (the Educoder stub, cell time-outs, restoring deleted grade cells)
# is graders/course/nbgrader_settings.py, the same for a course made with `backprop-lab init`.
from graders.course.nbgrader_settings import configure

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.course_id = "backprop-lab"

configure(c)
