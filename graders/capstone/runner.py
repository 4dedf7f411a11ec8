"""Run a student's capstone code on one grading case: numpy and ``utils`` only.

The sandbox worker loads this file by path (``Sandbox(runner=...)``), in place of the layers'
runner. The class it is given is ``CapstoneSubmission``, defined at the end of the source the
trusted side sends (``graders.capstone.grading.submission_source``): its attributes are the
student's ``ConvNet``, ``Momentum`` and ``Adam``, built on the given layers.

Kinds of case (``kind``):
- "ConvNet.gradient": a network of the case's sizes, its parameters set to the case's arrays,
  ``gradient(x, t)``; the outputs are the gradients, one per parameter ("W1" ... "b3").
- "Momentum.update" / "Adam.update": the optimizer with the case's hyperparameters, then ``steps``
  updates of the arrays p_<key> with the gradients g<step>_<key>; the outputs are the arrays the
  network holds after the steps (updated in place, so an update that rebinds params[key] leaves
  them unchanged).
- "ConvNet.train": the digits network (seed 0), ``epochs`` epochs of ``utils.training.train_epoch``
  with the chosen optimizer on x_train, t_train; the output is the predicted label of every image of
  x_test (the test labels never enter the sandbox: the trusted side scores them).
"""
import warnings

import numpy as np

from utils.training import train_epoch

PARAM_KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
NETWORK_SIZES = ("filter_num", "filter_size", "pad", "pool_size", "pool_stride", "pool_pad", "hidden_size",
                 "output_size")


def build_network(submission, params, inputs=None):
    """The student's ConvNet with the case's sizes; its parameters overwritten (in place) by inputs' arrays."""
    input_dim = (int(params["channels"]), int(params["height"]), int(params["width"]))
    sizes = {name: int(params[name]) for name in NETWORK_SIZES}
    network = submission.ConvNet(input_dim=input_dim, seed=int(params.get("seed", 0)), **sizes)
    for key in PARAM_KEYS:
        if inputs is not None and key in inputs:
            network.params[key][...] = inputs[key]  # in place: the layers hold these arrays
    return network


def run_gradient(submission, params, inputs):
    network = build_network(submission, params, inputs)
    grads = network.gradient(np.array(inputs["x"], copy=True), np.array(inputs["t"], copy=True))
    if not isinstance(grads, dict):
        raise TypeError(f"gradient returned {type(grads).__name__}; it must return the dict grads, one array "
                        f"per key of self.params ({', '.join(PARAM_KEYS)})")
    return {key: grads.get(key) for key in PARAM_KEYS}


def run_update(submission, kind, params, inputs):
    optimizer_class = getattr(submission, kind.split(".")[0])
    hyper = {name[len("opt_"):]: float(value) for name, value in params.items() if name.startswith("opt_")}
    optimizer = optimizer_class(**hyper)
    keys = [name[len("p_"):] for name in inputs if name.startswith("p_")]
    arrays = {key: np.array(inputs[f"p_{key}"], copy=True) for key in keys}
    held = dict(arrays)  # what the network's layers hold
    for step in range(int(params["steps"])):
        grads = {key: np.array(inputs[f"g{step}_{key}"], copy=True) for key in keys}
        optimizer.update(arrays, grads)
    return {key: held[key] for key in keys}


def run_training(submission, params, inputs):
    network = build_network(submission, params)
    optimizer_class = getattr(submission, params["optimizer"])
    hyper = {name[len("opt_"):]: float(value) for name, value in params.items() if name.startswith("opt_")}
    optimizer = optimizer_class(**hyper)
    rng = np.random.default_rng(int(params["seed"]))
    x_train, t_train = inputs["x_train"], inputs["t_train"]
    for _ in range(int(params["epochs"])):
        train_epoch(network, optimizer, x_train, t_train, int(params["batch_size"]), rng)
    x_test = inputs["x_test"]
    scores = np.concatenate([network.predict(x_test[start:start + 256]) for start in range(0, len(x_test), 256)])
    return {"predictions": np.argmax(scores, axis=1).astype(np.int64)}


def run_case(cls, kind, params, inputs):
    """The outputs of one capstone case (see the module's docstring); exceptions propagate.

    Warnings are silenced (a diverging network overflows at every step; the comparison reports NaN anyway)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if kind == "ConvNet.gradient":
            return run_gradient(cls, params, inputs)
        if kind in ("Momentum.update", "Adam.update"):
            return run_update(cls, kind, params, inputs)
        if kind == "ConvNet.train":
            return run_training(cls, params, inputs)
    raise ValueError(f"unknown capstone case kind {kind!r}")
