"""Never returns.

method: Convolution.backward
where: answer
score: 0..0
"""
while True:
    pass
