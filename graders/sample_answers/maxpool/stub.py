"""expected: wrong unknown

The stub, untouched.
"""


def backward(self, dout):
    ########## Begin ##########
    # YOUR CODE HERE
    raise NotImplementedError()
    ########## End ##########
