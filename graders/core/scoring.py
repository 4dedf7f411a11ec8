"""Points: each method's points shared equally among its cases.

    score = points * passed_cases / total_cases, rounded half up to 2 decimals
    passed = every case passed

Exact arithmetic (fractions, then decimal rounding), so the same counts always give the same
score on every machine: 5 points, 7 of 8 cases -> 4.38; 1 of 8 -> 0.63.
"""
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def method_score(points, passed_cases, total_cases):
    """points * passed_cases / total_cases, rounded half up to 2 decimals, as a float."""
    if total_cases <= 0:
        raise ValueError(f"method_score: total_cases must be positive, got {total_cases}")
    if not 0 <= passed_cases <= total_cases:
        raise ValueError(f"method_score: passed_cases must be between 0 and {total_cases}, got {passed_cases}")
    exact = Fraction(points) * passed_cases / total_cases
    rounded = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return float(rounded)


def method_passed(passed_cases, total_cases):
    """A method passes only when every one of its cases passed (and it has cases)."""
    return total_cases > 0 and passed_cases == total_cases
