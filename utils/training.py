"""The training loop of the capstone, numpy only: epochs of shuffled mini-batches.

    rng = np.random.default_rng(0)
    loss = train_epoch(network, optimizer, x_train, t_train, batch_size=32, rng=rng)

Each mini-batch is one training step: ``grads = network.gradient(x, t)`` (your backward chain)
then ``optimizer.update(network.params, grads)`` (your update). The notebook wraps this loop in a
progress bar and draws the curves; the grader runs the same loop.
"""
import numpy as np


def minibatches(n, batch_size, rng):
    """Index arrays that cover 0..n-1 once, shuffled by rng, batch_size at a time (the last may be smaller)."""
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


def train_epoch(network, optimizer, x, t, batch_size, rng, on_batch=None):
    """One pass over the training set: one gradient and one update per mini-batch.

    Inputs:
    - network: has params (dict of arrays), gradient(x, t) -> grads, and last_layer.loss after it
    - optimizer: has update(params, grads), changing params' arrays in place
    - x: (N, C, H, W) training images; t: (N,) labels
    - batch_size: images per step; rng: np.random.Generator that shuffles
    - on_batch: called with the batch's loss after each step (e.g. a progress bar's update)

    Returns:
    - the mean of the mini-batches' losses, each measured before its update (a float)
    """
    losses = []
    for batch in minibatches(x.shape[0], batch_size, rng):
        grads = network.gradient(x[batch], t[batch])
        optimizer.update(network.params, grads)
        loss = float(network.last_layer.loss)
        losses.append(loss)
        if on_batch is not None:
            on_batch(loss)
    return float(np.mean(losses))
