"""The capstone (cnn_capstone): grading a student's network gradient, training step and training run.

``grading`` is the trusted side (cases, reference outputs, scores); ``runner`` runs inside the sandbox.
"""
