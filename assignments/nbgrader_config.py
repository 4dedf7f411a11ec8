# nbgrader configuration of the backprop-lab course. Run nbgrader's commands in this folder:
#   backprop-lab build                      (renders source/ from templates/, then generate_assignment)
#   nbgrader autograde conv_pool_backward   (submitted/<student>/conv_pool_backward/*.ipynb)
#   nbgrader generate_feedback conv_pool_backward
#   nbgrader export
# The hardened grading path is `backprop-lab grade` (a sandbox per submission); see docs/course.md.
from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteKernelspec

from graders.course.restore_cells import RestoreGradeCells

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.course_id = "backprop-lab"

# The Educoder stub, as CONTRACT.md fixes it. The solution region keeps nbgrader's default
# "### BEGIN SOLUTION" / "### END SOLUTION" delimiters: with the Educoder lines as delimiters
# nbgrader would strip them from the release.
c.ClearSolutions.code_stub = {
    "python": "########## Begin ##########\n"
              "# YOUR CODE HERE\n"
              "raise NotImplementedError()\n"
              "########## End ##########",
}

# Seconds per cell. nbgrader's Execute.timeout (default 30) overrides ExecutePreprocessor.timeout.
# A hidden test cell needs about a second, and stops the student's code itself after 10 s
# (graders.course.notebook_tests.METHOD_SECONDS); the margin is for a loaded grading machine.
c.Execute.timeout = 60

# A grade cell the student deleted (or whose id they changed) is put back and graded, instead of being
# scored 0 with "needs manual grade". RestoreGradeCells is OverwriteCells with a placement that cannot fail:
# nbgrader's own puts a missing cell after its predecessor and crashes (for the whole submission) when that
# predecessor is missing too, or when a grade cell's id was changed; ours appends it at the end of the notebook,
# where everything the student defined exists.
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    RestoreGradeCells,
    CheckCellMetadata,
]
