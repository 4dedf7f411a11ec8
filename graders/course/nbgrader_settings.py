"""The nbgrader settings every backprop-lab course needs, in one place: its nbgrader_config.py calls configure(c).

    from graders.course.nbgrader_settings import configure
    c = get_config()
    configure(c)

What stays in a course's own nbgrader_config.py is what nbgrader owns and a course chooses: the course id,
due dates and late policy, the database URL.
"""
from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteKernelspec

from graders.course.restore_cells import RestoreGradeCells
from graders.exercises import EDUCODER_BEGIN, EDUCODER_END


def configure(c):
    """Set what backprop-lab's notebooks need on nbgrader's config object ``c``."""
    # The Educoder stub. The solution region keeps nbgrader's default "### BEGIN SOLUTION" /
    # "### END SOLUTION" delimiters: with the Educoder lines as delimiters nbgrader would strip them
    # from the release.
    c.ClearSolutions.code_stub = {
        "python": f"{EDUCODER_BEGIN}\n# YOUR CODE HERE\nraise NotImplementedError()\n{EDUCODER_END}",
    }

    # Seconds per cell. nbgrader's Execute.timeout (default 30) overrides ExecutePreprocessor.timeout.
    # A hidden test cell needs about a second, and stops the student's code itself after the exercise's
    # time_limit (course.toml, default 10 s); the margin is for a loaded grading machine.
    c.Execute.timeout = 60

    # A grade cell the student deleted (or whose id they changed) is put back and graded, instead of being
    # scored 0 with "needs manual grade". RestoreGradeCells is OverwriteCells with a placement that cannot
    # fail: nbgrader's own puts a missing cell after its predecessor and crashes (for the whole submission)
    # when that predecessor is missing too, or when a grade cell's id was changed; ours appends it at the end
    # of the notebook, where everything the student defined exists.
    c.OverwriteCells.add_missing_cells = True
    c.Autograde.sanitize_preprocessors = [
        ClearOutput,
        DeduplicateIds,
        OverwriteKernelspec,
        RestoreGradeCells,
        CheckCellMetadata,
    ]

    # The hidden test cells' scores come from the sandboxed engine (graders/course/sandbox_grades.py), not from
    # the kernel, where a student's own cell can replace the test function: nbgrader's default pipeline with
    # SandboxGrades right after Execute, so that `nbgrader autograde` and `backprop-lab grade` give the same
    # grades. Execute is nbgrader's, except that a kernel the student's code killed or hung no longer drops the
    # whole submission.
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import AssignLatePenalties, IgnorePattern, LimitOutput, SaveAutoGrades

    from graders.course.sandbox_grades import KernelTolerantExecute, SandboxGrades
    c.Autograde.autograde_preprocessors = [
        KernelTolerantExecute,
        SandboxGrades,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
