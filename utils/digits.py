"""The handwritten digits of the capstone: scikit-learn's bundled copy, split once with a fixed seed.

    from utils.digits import load_digits_split
    x_train, t_train, x_test, t_test = load_digits_split()

``sklearn.datasets.load_digits`` reads 1,797 8x8 grey images (values 0..16) of the digits 0-9
from a file inside the scikit-learn package: nothing is downloaded. The split is stratified
(each digit in the same proportion on both sides) and fixed by ``seed``, so everyone, the grader
included, trains and tests on the same images.
"""
import numpy as np

from utils.i18n import _

TEST_FRACTION = 0.2  # 360 of the 1,797 images are held out for testing
SPLIT_SEED = 0


def load_digits_split(test_fraction=TEST_FRACTION, seed=SPLIT_SEED):
    """The digits as a batch of 1-channel images, split into a training and a test set.

    Inputs:
    - test_fraction: the share of the images held out for testing
    - seed: fixes which images are held out

    Returns:
    - x_train: (N_train, 1, 8, 8) float64 in [0, 1] (the pixel values divided by 16)
    - t_train: (N_train,) int64 labels 0..9
    - x_test, t_test: the same for the held-out images (N_test = 360 with the defaults)
    """
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError:
        raise ImportError(_("The digits come with scikit-learn, which is not installed here: "
                            "pip install -r requirements.txt (from the course folder)")) from None
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float64)[:, np.newaxis]  # (1797, 1, 8, 8)
    t = digits.target.astype(np.int64)
    x_train, x_test, t_train, t_test = train_test_split(
        x, t, test_size=test_fraction, random_state=seed, stratify=t)
    return x_train, t_train, x_test, t_test
