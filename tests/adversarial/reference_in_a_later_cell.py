"""Leaves the stub in the answer and redefines the class from the reference in a cell at the end.

method: MaxPool.backward
where: after
score: 0..0
"""
from solutions.layers import MaxPool
