r"""`keras.optimizers` with TensorFlow ops: `SGD`, `RMSprop`, `Adam` and `Nadam`.

Each class subclasses the public `keras.optimizers.Optimizer` and writes only
the two methods that make an algorithm, as Keras's own optimizers do:

- `build(var_list)` creates the slot variables (momentum, velocity, ...),
  one per model variable, with `add_variable_from_reference`;
- `update_step(gradient, variable, learning_rate)` updates one variable and
  its slots with plain TF ops (`tf.sqrt`, `tf.pow`, `*`, `/`) through the
  base class's `assign` / `assign_add` / `assign_sub`.

Everything else is the base class's: `iterations`, the learning rate (a
float32 variable or a schedule), `apply_gradients` / `apply`, dropping
`None` gradients, clipping, weight decay, EMA, gradient accumulation and
`get_config`. So these optimizers work in `model.compile(optimizer=...)`
and `fit`, and `keras.optimizers.deserialize(keras.optimizers.serialize(opt))`
gives them back (they are registered under the package "course_lib").

The update rules, the order of the slot variables and the Keras 2 -> 3
changes (`lr=` rejected, `decay=` ignored with a warning, `minimize` gone:
`apply_gradients` returns the `iterations` variable) are described in
`course_lib.numpy.optimizers`; the formulas are repeated in each class.

Inside `update_step` the base class hands over the `tf.Variable` behind each
`keras.Variable`; constants go through `tf.cast` exactly where Keras calls
`ops.cast` (for float64 variables a Python float then passes through
float32, as in Keras), and are used directly where Keras uses them directly.
"""

from .._common import check_sgd_momentum, object_from_identifier
from ..quiet import tf

import keras  # noqa: E402  (after `quiet`, which imports TensorFlow silently)


def _tf_value(x):
    """The `tf.Variable` inside a `keras.Variable`; anything else unchanged."""
    return x.value if isinstance(x, keras.Variable) else x


def _dense(gradient):
    """Embedding layers give `tf.IndexedSlices` gradients; the dense form gives the same update."""
    if isinstance(gradient, tf.IndexedSlices):
        return tf.convert_to_tensor(gradient)
    return gradient


class _SlotsMixin:
    """Helpers shared by the four optimizers below."""

    def _slots_for(self, var_list, name):
        """One zero-filled slot per model variable (None for float8 `overwrite_with_gradient` ones, as Keras)."""
        return [
            None if getattr(v, "overwrite_with_gradient", False) else self.add_variable_from_reference(v, name=name)
            for v in var_list
        ]

    def _slot(self, slots, variable):
        """The slot of `variable` as a `tf.Variable`."""
        return _tf_value(slots[self._get_variable_index(variable)])

    def _local_step(self, dtype, offset=1):
        """`iterations + offset` (1 = the step being taken now) in `dtype`."""
        return tf.cast(tf.convert_to_tensor(_tf_value(self.iterations)) + offset, dtype)

    @staticmethod
    def _prepare(gradient, variable, learning_rate):
        dtype = variable.dtype
        return dtype, tf.cast(_dense(gradient), dtype), tf.cast(_tf_value(learning_rate), dtype)


@keras.saving.register_keras_serializable(package="course_lib")
class SGD(_SlotsMixin, keras.optimizers.Optimizer):
    r"""Gradient descent with optional (Nesterov) momentum.

    $\mu = 0$: $\theta \leftarrow \theta - \eta g$. Otherwise
    $v \leftarrow \mu v - \eta g$ and $\theta \leftarrow \theta + v$, or with
    `nesterov=True` $\theta \leftarrow \theta + \mu v - \eta g$.
    `momentum` must be a Python float in [0, 1] (Keras 3 rejects `momentum=0`).
    Other keyword arguments (`weight_decay`, `clipnorm`, ...) go to the base class.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = check_sgd_momentum(momentum)
        self.nesterov = nesterov

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = self._slots_for(var_list, "momentum") if self.momentum != 0 else []

    def update_step(self, gradient, variable, learning_rate):
        dtype, gradient, lr = self._prepare(gradient, variable, learning_rate)
        if self.momentum != 0:
            m = self._slot(self.momentums, variable)
            momentum = tf.cast(self.momentum, dtype)
            self.assign(m, m * momentum - gradient * lr)
            if self.nesterov:
                self.assign_add(variable, m * momentum - gradient * lr)
            else:
                self.assign_add(variable, m)
        else:
            self.assign_sub(variable, gradient * lr)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


@keras.saving.register_keras_serializable(package="course_lib")
class RMSprop(_SlotsMixin, keras.optimizers.Optimizer):
    r"""Steps scaled by a running RMS of the gradients; $\epsilon$ **inside** the root.

    $v \leftarrow \rho v + (1-\rho)g^2$; $\Delta = \eta g / \sqrt{v + \epsilon}$
    (centered: $\bar g \leftarrow \rho\bar g + (1-\rho) g$ and
    $\Delta = \eta g / \sqrt{v - \bar g^2 + \epsilon}$); then
    $\theta \leftarrow \theta - \Delta$, or with momentum
    $m \leftarrow \mu m + \Delta$, $\theta \leftarrow \theta - m$.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self._slots_for(var_list, "velocity")
        self._momentums = self._slots_for(var_list, "momentum") if self.momentum > 0 else []
        self._average_gradients = self._slots_for(var_list, "average_gradient") if self.centered else []

    def update_step(self, gradient, variable, learning_rate):
        _, gradient, lr = self._prepare(gradient, variable, learning_rate)
        rho = self.rho
        velocity = self._slot(self._velocities, variable)
        self.assign(velocity, rho * velocity + (1 - rho) * tf.square(gradient))
        if self.centered:
            average_grad = self._slot(self._average_gradients, variable)
            self.assign(average_grad, rho * average_grad + (1 - rho) * gradient)
            denominator = velocity - tf.square(average_grad) + self.epsilon
        else:
            denominator = velocity + self.epsilon
        increment = lr * gradient / tf.sqrt(denominator)
        if self.momentum > 0:
            momentum = self._slot(self._momentums, variable)
            self.assign(momentum, self.momentum * momentum + increment)
            self.assign_sub(variable, momentum)
        else:
            self.assign_sub(variable, increment)

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }


@keras.saving.register_keras_serializable(package="course_lib")
class Adam(_SlotsMixin, keras.optimizers.Optimizer):
    r"""Adam: $m \leftarrow m + (g-m)(1-\beta_1)$, $v \leftarrow v + (g^2-v)(1-\beta_2)$,

    $\theta \leftarrow \theta - \alpha_t m / (\sqrt{v} + \epsilon)$ with
    $\alpha_t = \eta\sqrt{1-\beta_2^t}/(1-\beta_1^t)$: the bias correction is
    in the step size and $\epsilon$ is outside the root. `amsgrad=True` uses
    $\hat v \leftarrow \max(\hat v, v)$ in place of $v$.
    """

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, name=None, **kwargs
    ):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = [], []
        for variable in var_list:  # interleaved, as Keras's add_optimizer_variables creates them
            self._momentums.extend(self._slots_for([variable], "momentum"))
            self._velocities.extend(self._slots_for([variable], "velocity"))
        if self.amsgrad:
            self._velocity_hats = self._slots_for(var_list, "velocity_hat")

    def update_step(self, gradient, variable, learning_rate):
        dtype, gradient, lr = self._prepare(gradient, variable, learning_rate)
        local_step = self._local_step(dtype)
        beta_1_power = tf.pow(tf.cast(self.beta_1, dtype), local_step)
        beta_2_power = tf.pow(tf.cast(self.beta_2, dtype), local_step)
        m = self._slot(self._momentums, variable)
        v = self._slot(self._velocities, variable)

        alpha = lr * tf.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        self.assign_add(m, (gradient - m) * (1 - self.beta_1))
        self.assign_add(v, (tf.square(gradient) - v) * (1 - self.beta_2))
        if self.amsgrad:
            v_hat = self._slot(self._velocity_hats, variable)
            self.assign(v_hat, tf.maximum(v_hat, v))
            v = v_hat
        self.assign_sub(variable, m * alpha / (tf.sqrt(v) + self.epsilon))

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }


@keras.saving.register_keras_serializable(package="course_lib")
class Nadam(_SlotsMixin, keras.optimizers.Optimizer):
    r"""Adam with Nesterov momentum and the schedule $u_t = \beta_1(1 - \tfrac12 0.96^t)$.

    `u_product` $U_t = \prod_{i\le t} u_i$ is updated once per step, before
    the variables (in `_backend_update_step`, the hook Keras's Nadam uses too);
    then $\hat m = u_{t+1} m/(1 - U_t u_{t+1}) + (1-u_t) g/(1-U_t)$,
    $\hat v = v/(1-\beta_2^t)$, $\theta \leftarrow \theta - \eta\hat m/(\sqrt{\hat v}+\epsilon)$.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        dtype = var_list[0].dtype if var_list else keras.config.floatx()
        super().build(var_list)
        self._momentums, self._velocities = [], []
        for variable in var_list:
            self._momentums.extend(self._slots_for([variable], "momentum"))
            self._velocities.extend(self._slots_for([variable], "velocity"))
        self._u_product = self.add_variable(shape=(), initializer="ones", dtype=dtype, name="u_product")

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        u_product = _tf_value(self._u_product)
        step = self._local_step(u_product.dtype)
        self.assign(u_product, u_product * self.beta_1 * (1.0 - 0.5 * tf.pow(tf.constant(0.96, u_product.dtype), step)))
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        dtype, gradient, lr = self._prepare(gradient, variable, learning_rate)
        local_step = self._local_step(dtype)
        next_step = self._local_step(dtype, offset=2)
        decay = tf.cast(0.96, dtype)
        beta_1 = tf.cast(self.beta_1, dtype)
        beta_2 = tf.cast(self.beta_2, dtype)
        u_t = beta_1 * (1.0 - 0.5 * tf.pow(decay, local_step))
        u_t_1 = beta_1 * (1.0 - 0.5 * tf.pow(decay, next_step))
        u_product_t = tf.cast(_tf_value(self._u_product), dtype)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = tf.pow(beta_2, local_step)

        m = self._slot(self._momentums, variable)
        v = self._slot(self._velocities, variable)
        self.assign_add(m, (gradient - m) * (1 - beta_1))
        self.assign_add(v, (tf.square(gradient) - v) * (1 - beta_2))
        m_hat = u_t_1 * m / (1 - u_product_t_1) + (1 - u_t) * gradient / (1 - u_product_t)
        v_hat = v / (1 - beta_2_power)
        self.assign_sub(variable, m_hat * lr / (tf.sqrt(v_hat) + self.epsilon))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


def get(identifier):
    """An optimizer from a name (`"adam"`, `"Adam"`, ...), a config dict, or an optimizer (returned as is)."""
    return object_from_identifier(identifier, _BY_NAME, keras.optimizers.Optimizer, "optimizer", allow_none=False, allow_callables=False, any_case=True)

_BY_NAME = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "nadam": Nadam}
