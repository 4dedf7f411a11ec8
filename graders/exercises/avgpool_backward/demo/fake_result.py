"""expected: zero

An answer that writes a fake result file where the grader might read one, then returns zeros.
The demo's class submits it: it must cost this method its points and nothing else.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    # Forge a passing result where a naive grader would look for one.
    import json
    import pathlib
    for name in ("result.json", "results.json", "../result.json"):
        try:
            pathlib.Path(name).write_text(json.dumps({"passed": True, "score": 5.0}))
        except OSError:
            pass
    return np.zeros_like(self.x)
    ########## End ##########
