"""Allocates and touches many GiB.

method: MaxPool.backward
where: answer
score: 0..0
"""
hoard = []
while True:
    block = np.ones(2 ** 28)  # 2 GiB
    hoard.append(block)
