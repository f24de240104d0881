r"""One training step of a small multi-layer perceptron, in NumPy: forward, backward, update.

The network is a stack of dense layers with ReLU between them and raw
scores (logits) at the end, trained with softmax cross-entropy on integer
labels and plain gradient descent:

$$h_0 = x,\qquad z_\ell = h_{\ell-1}W_\ell + b_\ell,\qquad h_\ell = \max(z_\ell, 0)\ (\ell < L),\qquad
\text{logits} = z_L,$$

$$\mathcal L = \frac1N\sum_{n=1}^{N}\Big(\log\sum_k e^{z_{L,nk}} - z_{L,n y_n}\Big).$$

Going backwards (the chain rule, one layer at a time):

$$\frac{\partial\mathcal L}{\partial z_L} = \frac1N\big(\operatorname{softmax}(z_L) - \operatorname{onehot}(y)\big),\qquad
\frac{\partial\mathcal L}{\partial W_\ell} = h_{\ell-1}^\top\frac{\partial\mathcal L}{\partial z_\ell},\qquad
\frac{\partial\mathcal L}{\partial b_\ell} = \sum_n \frac{\partial\mathcal L}{\partial z_{\ell,n}},$$

$$\frac{\partial\mathcal L}{\partial h_{\ell-1}} = \frac{\partial\mathcal L}{\partial z_\ell}W_\ell^\top,\qquad
\frac{\partial\mathcal L}{\partial z_{\ell-1}} = \frac{\partial\mathcal L}{\partial h_{\ell-1}}\odot[z_{\ell-1} > 0].$$

The ReLU's derivative at exactly 0 is taken as 0, as TensorFlow does.

Parameters live in a dict `{"W1": (n_in, n_1), "b1": (n_1,), "W2": ..., "bL": (n_classes,)}`
so that a training step can update them in place:

```python
params = init_mlp([64, 32, 10], seed=0)
loss = train_step(params, x_batch, y_batch, learning_rate=0.1)   # params now hold the new values
```
"""

import re

import numpy as np

from .._common import check_integral, check_labels_in_range
from ._convert import as_float_array, convert_to_array
from .nn import log_softmax, softmax

_KEY = re.compile(r"^([Wb])([1-9][0-9]*)$")


def init_mlp(layer_sizes, seed=0, dtype="float32"):
    r"""Parameters of an MLP with these layer widths (input first, classes last).

    Kernels are He-normal, $W_\ell \sim \mathcal N(0, 2/n_{\ell-1})$ (right for
    ReLU layers), biases start at zero.
    """
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or min(sizes) <= 0:
        raise ValueError(f"`layer_sizes` needs at least an input and an output size, all positive. Received: {layer_sizes!r}")
    rng = np.random.default_rng(seed)
    params = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{i}"] = (rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)).astype(dtype)
        params[f"b{i}"] = np.zeros(n_out, dtype=dtype)
    return params


def n_layers(params):
    """The number L of dense layers in `params` (checking that W1..WL and b1..bL are all there)."""
    layers = set()
    for key in params:
        match = _KEY.match(key)
        if not match:
            raise ValueError(f"Unexpected parameter name {key!r}: expected 'W1', 'b1', 'W2', 'b2', ...")
        layers.add(int(match.group(2)))
    count = len(layers)
    for i in range(1, count + 1):
        for name in (f"W{i}", f"b{i}"):
            if name not in params:
                raise ValueError(f"`params` has {count} layers but no {name!r}.")
    if count == 0:
        raise ValueError("`params` is empty.")
    return count


def _labels(y, n_rows, n_classes):
    labels = convert_to_array(y, name="y")
    check_integral(labels, "y")
    labels = labels.astype(np.int64, copy=False)
    if labels.shape != (n_rows,):
        raise ValueError(f"`y` must hold one integer label per row of `x`: shape ({n_rows},). Received: {labels.shape}")
    check_labels_in_range(labels, n_classes, "y")
    return labels


def forward(params, x):
    """`(logits, cache)`: the network's output and the activations `backward` needs."""
    x = as_float_array(x, "x")
    if x.ndim != 2:
        raise ValueError(f"`x` must be a matrix (batch, features). Received shape {x.shape}")
    count = n_layers(params)
    h = x.astype(params["W1"].dtype, copy=False)
    inputs, pre_activations = [], []
    for i in range(1, count + 1):
        inputs.append(h)
        z = h @ params[f"W{i}"] + params[f"b{i}"]
        pre_activations.append(z)
        h = np.maximum(z, 0) if i < count else z
    return h, (inputs, pre_activations)


def softmax_cross_entropy(logits, y):
    r"""`(loss, grad_logits)`: the mean cross-entropy of integer labels and $\partial\mathcal L/\partial z$."""
    logits = as_float_array(logits, "logits")
    labels = _labels(y, logits.shape[0], logits.shape[1])
    n = logits.shape[0]
    rows = np.arange(n)
    loss = -np.mean(log_softmax(logits)[rows, labels])
    grad = softmax(logits)
    grad[rows, labels] -= 1
    grad /= n
    return loss.astype(logits.dtype), grad.astype(logits.dtype, copy=False)


def backward(params, cache, grad_logits):
    """Gradients `{"W1": ..., "b1": ..., ...}` of the loss, given $\\partial\\mathcal L/\\partial$ logits."""
    inputs, pre_activations = cache
    count = n_layers(params)
    grads = {}
    grad_z = grad_logits
    for i in range(count, 0, -1):
        grads[f"W{i}"] = inputs[i - 1].T @ grad_z
        grads[f"b{i}"] = grad_z.sum(axis=0)
        if i > 1:
            grad_h = grad_z @ params[f"W{i}"].T
            grad_z = grad_h * (pre_activations[i - 2] > 0)
    return {key: grads[key] for key in params}


def loss_and_gradients(params, x, y):
    """`(loss, grads)` for a batch: forward, cross-entropy, backward."""
    logits, cache = forward(params, x)
    loss, grad_logits = softmax_cross_entropy(logits, y)
    return loss, backward(params, cache, grad_logits)


def train_step(params, x, y, learning_rate):
    r"""One step of gradient descent, $\theta \leftarrow \theta - \eta\,\partial\mathcal L/\partial\theta$, in place.

    Returns the loss of the batch *before* the update (as a Python float),
    which is what a training loop averages and prints.
    """
    loss, grads = loss_and_gradients(params, x, y)
    for key, grad in grads.items():
        params[key] -= np.asarray(learning_rate * grad, dtype=params[key].dtype)
    return float(loss)


def predict(params, x):
    """The predicted class of every row of `x` (the arg-max of the logits)."""
    logits, _ = forward(params, x)
    return np.argmax(logits, axis=-1)


def accuracy(params, x, y):
    """The fraction of rows of `x` whose predicted class is `y`."""
    return float(np.mean(predict(params, x) == np.asarray(y)))


__all__ = ["init_mlp", "n_layers", "forward", "softmax_cross_entropy", "backward", "loss_and_gradients", "train_step", "predict", "accuracy"]
