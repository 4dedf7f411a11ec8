"""Reference answers to the exercises. For instructors and graders only: never shipped to students.

Each exercise class is written exactly as the exercise gives it, with the answer to the
exercise method between the Educoder markers

    ########## Begin ##########
    ...
    ########## End ##########

The course build turns those lines into nbgrader solution regions, so the notebooks' solution
code comes from here and nowhere else.
"""
from solutions.layers import AvgPool, Convolution, MaxPool
from solutions.nhwc_conv import Conv2D
from solutions.tf_pooling import TFAvgPool, TFAvgPool3D, TFMaxPool3D, TFMaxPoolWithArgmax

__all__ = ["Convolution", "MaxPool", "AvgPool",
           "TFAvgPool", "TFMaxPoolWithArgmax", "TFMaxPool3D", "TFAvgPool3D", "Conv2D"]
