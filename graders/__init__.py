"""backprop-lab's grading side: cases, comparison, diagnosis, the grading engine and the CLI.

Instructors only. It imports ``solutions``; nothing a student receives imports it.
"""
