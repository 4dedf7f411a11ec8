"""Returns NaN everywhere (NaN compares unequal to everything, so it can never pass).

method: MaxPool.backward
where: answer
score: 0..0
"""
return np.full_like(self.x, np.nan)
