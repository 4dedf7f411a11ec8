"""Returns an array far larger than dx.

method: MaxPool.backward
where: answer
score: 0..0
"""
return np.zeros(6 * 10 ** 6)
