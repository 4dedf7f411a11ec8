"""Prints hundreds of MB, ignoring any error, then returns zeros.

method: Convolution.backward
where: answer
score: 0..0
"""
line = "x" * 10_000 + "\n"
for _ in range(30_000):
    try:
        print(line, end="")
    except BaseException:
        pass
self.dW = np.zeros(self.W.shape)
self.db = np.zeros(self.b.shape)
return np.zeros(self.x.shape)
