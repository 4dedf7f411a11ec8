"""Returns a string instead of an array.

method: MaxPool.backward
where: answer
score: 0..0
"""
return "dx"
