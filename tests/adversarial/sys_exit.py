"""Raises SystemExit(0) from inside backward.

method: Convolution.backward
where: answer
score: 0..0
"""
import sys
sys.exit(0)
