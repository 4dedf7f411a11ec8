"""The graded exercise methods: one Exercise per method, in the registry EXERCISES.

Adding an exercise = a reference class in ``solutions/``, an entry here and in
``utils.checking.LAYERS`` (how the class is built), case specs in ``graders/core/cases.py``, mistakes in
``graders/core/mistakes.py``, a notebook template.
"""
from dataclasses import dataclass

ASSIGNMENT = "conv_pool_backward"  # the nbgrader assignment that holds the exercises

# The Educoder markers around an answer (CONTRACT.md): the reference classes in solutions/, the release
# notebooks and the sample answers all carry exactly these lines.
EDUCODER_BEGIN = "########## Begin ##########"
EDUCODER_END = "########## End ##########"


def educoder_region(lines, where="the text"):
    """(begin, end): the indexes in ``lines`` of the one Begin line and the one End line after it.

    For trusted text (our classes, release cells, sample answers), so anything else is an error:
    ValueError naming ``where`` and what was found. Students' notebooks are read leniently by
    graders.engine.notebook instead.
    """
    begins = [i for i, line in enumerate(lines) if line.strip() == EDUCODER_BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == EDUCODER_END]
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        raise ValueError(f"expected one {EDUCODER_BEGIN!r} line followed by one {EDUCODER_END!r} line in {where}; "
                         f"found {len(begins)} and {len(ends)}")
    return begins[0], ends[0]


@dataclass(frozen=True)
class Exercise:
    name: str            # "Convolution.backward"  (CONTRACT: tests[].name)
    class_name: str      # "Convolution"
    notebook: str        # "conv_backward"  -> assignments/source/conv_pool_backward/conv_backward.ipynb
    answer_cell: str     # nbgrader grade_id of the class cell: "convolution_class"
    test_cell: str       # nbgrader grade_id of the hidden test cell: "test_convolution_backward"
    points: float        # 5.0
    outputs: tuple       # ("dx", "dW", "db") or ("dx",)

    @property
    def reference_class(self):
        """The reference implementation from ``solutions`` (instructors' side only)."""
        import solutions
        return getattr(solutions, self.class_name)


EXERCISES = {
    exercise.name: exercise
    for exercise in [
        Exercise("Convolution.backward", "Convolution", "conv_backward", "convolution_class",
                 "test_convolution_backward", 5.0, ("dx", "dW", "db")),
        Exercise("MaxPool.backward", "MaxPool", "maxpool_backward", "maxpool_class",
                 "test_maxpool_backward", 5.0, ("dx",)),
    ]
}


def get_exercise(method):
    """The Exercise named ``method`` ("Convolution.backward"); an Exercise is returned as it is."""
    if isinstance(method, Exercise):
        return method
    try:
        return EXERCISES[method]
    except (KeyError, TypeError):
        raise ValueError(f"unknown exercise {method!r}; the exercises are {', '.join(EXERCISES)}") from None
