"""Prints 200 MB through print and 10 MB more straight to its descriptor, then returns the correct
answer: the output is cut, the grade stands.

method: Convolution.backward
where: answer
score: 5..5
"""
import os
line = "x" * 10_000 + "\n"
for _ in range(20_000):
    print(line, end="")
for _ in range(10):
    os.write(1, b"y" * 1_000_000)
FN, C, FH, FW = self.W.shape
dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
self.db = np.sum(dout, axis=0)
self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
dcol = np.dot(dout, self.col_W.T)
return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
