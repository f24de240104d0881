r"""`keras.optimizers` in NumPy: `SGD`, `RMSprop`, `Adam` and `Nadam`.

An optimizer turns gradients into changes of the variables. Keras 3 has one
entry point, `apply_gradients(zip(grads, variables))` (or, equivalently,
`apply(grads, variables)`). Each call runs, as `keras.optimizers.Optimizer.apply`:

1. pairs whose gradient is `None` are dropped with a warning (if *every*
   gradient is `None`, a ValueError);
2. the gradients are divided by `loss_scale_factor`, then clipped
   (`clipnorm`, `global_clipnorm` or `clipvalue`, at most one of them);
3. weight decay, if set: $\theta \leftarrow \theta - \eta\lambda\theta$;
4. `update_step(gradient, variable, learning_rate)` for every pair: the
   algorithm itself, which also updates the optimizer's own *slot*
   variables (momentum, velocity, ...), one set per model variable;
5. `iterations` grows by one.

Here the model variables are NumPy float arrays and are updated **in place**
(`var -= ...`), so the arrays you pass in are the ones that change, 0-d
arrays included. Plain Python numbers, NumPy scalars and integer arrays
cannot be updated in place and raise a TypeError.

What changed since Keras 2 (`tf.keras` in TF <= 2.15):

- `optimizer.minimize(loss, var_list)` is gone: compute the gradients first
  (`tf.GradientTape`, or by hand), then `apply_gradients`. `apply_gradients`
  returns the `iterations` counter (a live variable; here a live 0-d array),
  so `int(opt.apply_gradients(...))` is the step count.
- `lr=` raises `ValueError: Argument(s) not recognized: {'lr': 0.01}`; write
  `learning_rate=`. (Keras 2.11+ `tf_keras` silently dropped it.)
- `decay=` is ignored with a warning, whatever its value (even `decay=0.0`):
  use a learning-rate schedule instead.
- `learning_rate` must be a Python float or a schedule/callable:
  `learning_rate=1` is rejected, and so is `SGD(momentum=0)` (an int).
- Keras keeps the learning rate in a float32 variable, so
  `Adam(learning_rate=0.1).get_config()["learning_rate"]` is
  `0.10000000149011612`. This module does the same.
- A negative learning rate is accepted (and climbs the loss), as in Keras.

Not implemented here (Keras accepts them; this module raises
NotImplementedError unless they keep their defaults): `use_ema` and
`gradient_accumulation_steps`.
"""

import warnings

import numpy as np

from .._common import auto_name, check_same_shape, check_sgd_momentum, keras_cast, object_from_identifier
from ._convert import convert_to_array

# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _is_schedule(value):
    """True for a `keras.optimizers.schedules.LearningRateSchedule` (checked by name: no Keras import here)."""
    return any(cls.__name__ == "LearningRateSchedule" for cls in type(value).__mro__)


def _check_variable(variable, index):
    """Model variables must be writable NumPy float arrays, updated in place."""
    if not isinstance(variable, np.ndarray):
        raise TypeError(
            f"Variable {index} is a {type(variable).__name__}, which cannot be updated in place. "
            "Optimizers in course_lib.numpy update NumPy float arrays in place: "
            "wrap the value first, e.g. `np.array(10.0, dtype=np.float32)`."
        )
    if variable.dtype.kind != "f":
        raise TypeError(
            f"Variable {index} has dtype {variable.dtype}, which cannot be updated in place "
            "by fractional steps. Use a float array, e.g. `variable.astype(np.float32)`."
        )
    if not variable.flags.writeable:
        raise ValueError(f"Variable {index} is a read-only array, so it cannot be updated in place.")


def _describe(variable, index):
    return f"variable {index} (shape {variable.shape})"


# --------------------------------------------------------------------------
# The base class
# --------------------------------------------------------------------------


class Optimizer:
    """Base class: bookkeeping, gradient clipping and the `apply` loop.

    Subclasses implement `build(var_list)` (create the slot variables with
    `add_variable_from_reference`) and `update_step(gradient, variable,
    learning_rate)` (update one variable and its slots in place).

    Arguments shared by every optimizer (Keras's names and defaults):
    `learning_rate`, `weight_decay=None`, `clipnorm=None`, `clipvalue=None`,
    `global_clipnorm=None`, `loss_scale_factor=None`, `name=None`; and
    `use_ema=False`, `ema_momentum=0.99`, `ema_overwrite_frequency=None`,
    `gradient_accumulation_steps=None`, which appear in `get_config` but are
    not implemented beyond their defaults.
    """

    def __init__(
        self,
        learning_rate,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.", UserWarning, stacklevel=3)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        for arg, value, default in (
            ("use_ema", use_ema, False),
            ("gradient_accumulation_steps", gradient_accumulation_steps, None),
        ):
            if value != default and value is not None:
                raise NotImplementedError(
                    f"`{arg}={value!r}` is not implemented in course_lib.numpy "
                    "(use keras.optimizers or course_lib.tf.optimizers)."
                )
        self.name = name if name is not None else auto_name(type(self).__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps

        self.built = False
        self._variables = []  # every optimizer variable, in Keras's order
        self._trainable_variables = []
        self._trainable_variables_indices = {}  # id(model variable) -> position

        # Keras: an int64 variable named "iteration", then a float32 one for the rate.
        self._iterations = np.zeros((), dtype=np.int64)
        self._variables.append(self._iterations)
        if _is_schedule(learning_rate) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if not isinstance(learning_rate, float):
                raise ValueError(
                    "Argument `learning_rate` should be float, or an instance of LearningRateSchedule, "
                    "or a callable (that takes in the current iteration value and returns the "
                    f"corresponding learning rate value). Received instead: learning_rate={learning_rate!r}"
                )
            self._learning_rate = np.array(learning_rate, dtype=np.float32)
            self._variables.append(self._learning_rate)

    # ------------------------------------------------------------------ state

    @property
    def iterations(self):
        """The number of steps applied so far: a 0-d int64 array, updated in place."""
        return self._iterations

    @property
    def variables(self):
        """`[iterations, learning_rate, *slots]`, in the order Keras creates them."""
        return self._variables[:]

    @property
    def learning_rate(self):
        r"""The current rate $\eta$: the float32 value, or the schedule evaluated at `iterations`."""
        if _is_schedule(self._learning_rate):
            return np.asarray(self._learning_rate(int(self._iterations)), dtype=np.float32)
        if callable(self._learning_rate):
            return np.asarray(self._learning_rate(), dtype=np.float32)
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if _is_schedule(value) or callable(value):
            if isinstance(self._learning_rate, np.ndarray):
                self._variables = [v for v in self._variables if v is not self._learning_rate]
            self._learning_rate = value
        elif _is_schedule(self._learning_rate):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` "
                "constructor argument, hence its learning rate is not settable. If you need the learning "
                "rate to be settable, you should instantiate the optimizer with a float `learning_rate` argument."
            )
        elif isinstance(self._learning_rate, np.ndarray):
            self._learning_rate[...] = value  # in place, like `Variable.assign`
        else:
            self._learning_rate = np.array(value, dtype=np.float32)

    # ------------------------------------------------------------- variables

    def build(self, var_list):
        """Remember the model variables; subclasses then add their slots."""
        for i, variable in enumerate(var_list):
            _check_variable(variable, i)
            self._trainable_variables_indices[id(variable)] = i
        self._trainable_variables = list(var_list)
        self.built = True

    def add_variable(self, shape, initializer="zeros", dtype=None, name=None):
        """A new optimizer variable (an array of zeros or ones), tracked in `variables`."""
        fill = {"zeros": 0, "ones": 1}.get(initializer)
        if fill is None:
            raise ValueError(f"`initializer` must be 'zeros' or 'ones' here. Received: {initializer!r}")
        variable = np.full(shape, fill, dtype=dtype or np.float32)
        self._variables.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot with the shape and dtype of a model variable (`name` is kept for symmetry with Keras)."""
        return self.add_variable(reference_variable.shape, initializer, reference_variable.dtype, name)

    def _get_variable_index(self, variable):
        return self._trainable_variables_indices[id(variable)]

    def _check_variables_are_known(self, variables):
        for i, variable in enumerate(variables):
            if id(variable) not in self._trainable_variables_indices:
                raise ValueError(
                    f"Unknown variable: {_describe(variable, i)}. This optimizer can only be called for the "
                    "variables it was originally built with. When working with a new set of variables, "
                    "you should recreate a new optimizer instance."
                )

    # -------------------------------------------------------------- stepping

    def apply_gradients(self, grads_and_vars):
        """Apply `(gradient, variable)` pairs; return `iterations` (Keras 3 returns that variable)."""
        pairs = list(grads_and_vars)
        if not pairs:
            raise ValueError("`grads_and_vars` is empty: pass at least one (gradient, variable) pair.")
        grads, variables = zip(*pairs)
        self.apply(grads, variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Update the variables in place from their gradients (steps 1-5 of the module docstring)."""
        grads = list(grads)
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be built on a "
                    "list of variables. Call `optimizer.build(trainable_variables)` first."
                )
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(
                f"Received {len(grads)} gradients for {len(trainable_variables)} variables: "
                "there must be exactly one gradient per variable."
            )
        for i, variable in enumerate(trainable_variables):
            _check_variable(variable, i)
        if not self.built:
            self.build(trainable_variables)
        self._check_variables_are_known(trainable_variables)

        grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
        # Every gradient is checked (and copied) before any variable changes.
        grads = [self._check_gradient(g, v, i) for i, (g, v) in enumerate(zip(grads, trainable_variables))]
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(trainable_variables)
        self._backend_update_step(grads, trainable_variables, self.learning_rate)
        self._iterations += 1

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        """Run `update_step` for every pair (Nadam hooks in here, as in Keras)."""
        for gradient, variable in zip(grads, trainable_variables):
            self.update_step(gradient, variable, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        raise NotImplementedError(f"{type(self).__name__} must implement update_step(gradient, variable, learning_rate).")

    @staticmethod
    def _filter_empty_gradients(grads, variables):
        kept = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not kept:
            raise ValueError("No gradients provided for any variable.")
        if len(kept) < len(grads):
            missing = [_describe(v, i) for i, (g, v) in enumerate(zip(grads, variables)) if g is None]
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. "
                "If using `model.compile()`, did you forget to provide a `loss` argument?",
                UserWarning,
                stacklevel=4,
            )
        return [g for g, _ in kept], [v for _, v in kept]

    @staticmethod
    def _check_gradient(gradient, variable, index):
        gradient = np.array(convert_to_array(gradient, name=f"gradient {index}"))  # a copy: var may alias it
        check_same_shape(gradient.shape, variable.shape, "gradient", "variable")
        return gradient

    def _clip_gradients(self, grads):
        r"""Clip as Keras: per tensor to norm $c$ (`clipnorm`), jointly (`global_clipnorm`) or element-wise."""
        if self.clipnorm and self.clipnorm > 0:
            return [_clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return _clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def _apply_weight_decay(self, variables):
        r"""Decoupled weight decay, $\theta \leftarrow \theta - \theta\,\lambda\,\eta$, before the update step."""
        if self.weight_decay is None:
            return
        learning_rate = self.learning_rate
        for variable in variables:
            lr = keras_cast(learning_rate, variable.dtype)
            wd = keras_cast(self.weight_decay, variable.dtype)
            variable -= variable * wd * lr

    # --------------------------------------------------------- serialization

    def get_config(self):
        """Keras's keys and values (the rate as the float32 number Keras stores)."""
        learning_rate = self._learning_rate
        if isinstance(learning_rate, np.ndarray):
            learning_rate = float(learning_rate)
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} iterations={int(self._iterations)}>"


def _clip_by_norm(gradient, clipnorm):
    r"""$g \cdot c / \max(\lVert g\rVert_2, c)$, written like `tf.clip_by_norm` (a zero gradient stays zero)."""
    l2sum = np.sum(np.square(gradient), keepdims=True)
    positive = l2sum > 0
    l2norm = np.where(positive, np.sqrt(np.where(positive, l2sum, 1)), l2sum)
    clip = gradient.dtype.type(clipnorm)
    return gradient * clip / np.maximum(l2norm, clip)


def _clip_by_global_norm(grads, clipnorm):
    r"""Scale every gradient by $c / \max(N, c)$, where $N$ is the norm of all gradients together."""
    use_norm = np.sqrt(np.sum(np.stack([np.sum(np.square(g)) for g in grads])))
    with np.errstate(divide="ignore"):
        scale = clipnorm * np.minimum(1.0 / use_norm, 1.0 / clipnorm)
    scale = scale + (use_norm - use_norm)  # NaN or inf norms give NaN gradients, as in Keras
    return [g * scale for g in grads]


# --------------------------------------------------------------------------
# The algorithms
# --------------------------------------------------------------------------


class SGD(Optimizer):
    r"""Gradient descent, optionally with (Nesterov) momentum.

    With $\eta$ = `learning_rate`, $\mu$ = `momentum` and gradient $g$:

    - $\mu = 0$: $\theta \leftarrow \theta - \eta g$;
    - momentum: $v \leftarrow \mu v - \eta g$, then $\theta \leftarrow \theta + v$;
    - `nesterov=True`: $v \leftarrow \mu v - \eta g$, then
      $\theta \leftarrow \theta + \mu v - \eta g$ (a look-ahead along the new velocity).

    The velocity slot ("momentum") exists only when $\mu \ne 0$.
    Keras 3 requires `momentum` to be a Python float in [0, 1].
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = check_sgd_momentum(momentum)
        self.nesterov = nesterov

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = [self.add_variable_from_reference(v, "momentum") for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        lr = keras_cast(learning_rate, variable.dtype)
        gradient = gradient.astype(variable.dtype, copy=False)
        if self.momentum != 0:
            m = self.momentums[self._get_variable_index(variable)]
            momentum = keras_cast(self.momentum, variable.dtype)
            m[...] = m * momentum - gradient * lr
            if self.nesterov:
                variable += m * momentum - gradient * lr
            else:
                variable += m
        else:
            variable -= gradient * lr

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class RMSprop(Optimizer):
    r"""Divide each step by a running root-mean-square of the gradients.

    With $\rho$ = `rho`, $\epsilon$ = `epsilon`, $\mu$ = `momentum`:

    $$v \leftarrow \rho v + (1-\rho) g^2, \qquad
      \Delta = \frac{\eta\, g}{\sqrt{v + \epsilon}}$$

    Note that $\epsilon$ sits **inside** the square root (Adam puts it outside).
    With `centered=True` a running mean of the gradients $\bar g \leftarrow
    \rho\bar g + (1-\rho) g$ is kept too and the denominator becomes
    $\sqrt{v - \bar g^2 + \epsilon}$, an estimate of the gradient's variance.
    Then $\theta \leftarrow \theta - \Delta$, or with momentum
    $m \leftarrow \mu m + \Delta$, $\theta \leftarrow \theta - m$.

    Slots, in Keras's order: "velocity" for every variable, then "momentum"
    (if $\mu > 0$), then "average_gradient" (if centered).
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
        self._velocities = [self.add_variable_from_reference(v, "velocity") for v in var_list]
        self._momentums = []
        if self.momentum > 0:
            self._momentums = [self.add_variable_from_reference(v, "momentum") for v in var_list]
        self._average_gradients = []
        if self.centered:
            self._average_gradients = [self.add_variable_from_reference(v, "average_gradient") for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        lr = keras_cast(learning_rate, variable.dtype)
        gradient = gradient.astype(variable.dtype, copy=False)
        index = self._get_variable_index(variable)
        rho, epsilon = float(self.rho), float(self.epsilon)  # Python floats: used at the variable's precision

        velocity = self._velocities[index]
        velocity[...] = rho * velocity + (1 - rho) * np.square(gradient)
        if self.centered:
            average_grad = self._average_gradients[index]
            average_grad[...] = rho * average_grad + (1 - rho) * gradient
            denominator = velocity - np.square(average_grad) + epsilon
        else:
            denominator = velocity + epsilon
        increment = lr * gradient / np.sqrt(denominator)
        if self.momentum > 0:
            momentum = self._momentums[index]
            momentum[...] = float(self.momentum) * momentum + increment
            variable -= momentum
        else:
            variable -= increment

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }


class Adam(Optimizer):
    r"""Adaptive moment estimation: momentum on $g$, RMS scaling by $g^2$, bias-corrected.

    At step $t$ (1 for the first update):

    $$m \leftarrow m + (g - m)(1-\beta_1), \qquad v \leftarrow v + (g^2 - v)(1-\beta_2)$$
    $$\alpha_t = \eta\,\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}, \qquad
      \theta \leftarrow \theta - \frac{\alpha_t\, m}{\sqrt{v} + \epsilon}$$

    The bias correction is folded into the step size $\alpha_t$ and $\epsilon$
    is added *outside* the square root ("epsilon hat" of Kingma & Ba), so this
    is not literally $\hat m/(\sqrt{\hat v}+\epsilon)$ of the paper's Algorithm 1.
    With `amsgrad=True`, $\hat v \leftarrow \max(\hat v, v)$ replaces $v$ in the
    denominator, so the per-coordinate step size never grows.

    Slots: "momentum" and "velocity" for each variable in turn, then
    "velocity_hat" for every variable (amsgrad).
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
        for variable in var_list:
            self._momentums.append(self.add_variable_from_reference(variable, "momentum"))
            self._velocities.append(self.add_variable_from_reference(variable, "velocity"))
        if self.amsgrad:
            self._velocity_hats = [self.add_variable_from_reference(v, "velocity_hat") for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = keras_cast(learning_rate, dtype)
        gradient = gradient.astype(dtype, copy=False)
        local_step = keras_cast(self._iterations + 1, dtype)
        beta_1_power = np.power(keras_cast(self.beta_1, dtype), local_step)
        beta_2_power = np.power(keras_cast(self.beta_2, dtype), local_step)
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]

        alpha = lr * np.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        m += (gradient - m) * (1 - float(self.beta_1))
        v += (np.square(gradient) - v) * (1 - float(self.beta_2))
        if self.amsgrad:
            v_hat = self._velocity_hats[index]
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        variable -= m * alpha / (np.sqrt(v) + float(self.epsilon))

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }


class Nadam(Optimizer):
    r"""Adam with Nesterov momentum (Dozat, 2015), with a warming-up momentum schedule.

    The momentum factor at step $t$ is $u_t = \beta_1\,(1 - \tfrac12\, 0.96^{t})$,
    and the optimizer keeps one extra scalar, the product
    $U_t = \prod_{i \le t} u_i$ (`u_product`, updated once per step before the
    variables). With $m, v$ updated as in Adam:

    $$\hat m = \frac{u_{t+1}\, m}{1 - U_t\, u_{t+1}} + \frac{(1-u_t)\, g}{1 - U_t},
      \qquad \hat v = \frac{v}{1-\beta_2^t}, \qquad
      \theta \leftarrow \theta - \frac{\eta\,\hat m}{\sqrt{\hat v} + \epsilon}$$

    The first term looks one step ahead along the momentum (the Nesterov
    idea); the second is the bias-corrected current gradient.
    `u_product` has the dtype of the first variable and is the last entry
    of `variables`, as in Keras.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        dtype = var_list[0].dtype if len(var_list) else np.float32
        super().build(var_list)
        self._momentums, self._velocities = [], []
        for variable in var_list:
            self._momentums.append(self.add_variable_from_reference(variable, "momentum"))
            self._velocities.append(self.add_variable_from_reference(variable, "velocity"))
        self._u_product = self.add_variable((), initializer="ones", dtype=dtype, name="u_product")

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        dtype = self._u_product.dtype
        step = keras_cast(self._iterations + 1, dtype)
        self._u_product[...] = self._u_product * float(self.beta_1) * (1.0 - 0.5 * np.power(dtype.type(0.96), step))
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = keras_cast(learning_rate, dtype)
        gradient = gradient.astype(dtype, copy=False)
        local_step = keras_cast(self._iterations + 1, dtype)
        next_step = keras_cast(self._iterations + 2, dtype)
        decay = keras_cast(0.96, dtype)
        beta_1 = keras_cast(self.beta_1, dtype)
        beta_2 = keras_cast(self.beta_2, dtype)
        u_t = beta_1 * (1.0 - 0.5 * np.power(decay, local_step))
        u_t_1 = beta_1 * (1.0 - 0.5 * np.power(decay, next_step))
        u_product_t = keras_cast(self._u_product, dtype)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = np.power(beta_2, local_step)

        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        m += (gradient - m) * (1 - beta_1)
        v += (np.square(gradient) - v) * (1 - beta_2)
        m_hat = u_t_1 * m / (1 - u_product_t_1) + (1 - u_t) * gradient / (1 - u_product_t)
        v_hat = v / (1 - beta_2_power)
        variable -= m_hat * lr / (np.sqrt(v_hat) + float(self.epsilon))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


def get(identifier):
    """An optimizer from a name (`"adam"`, `"Adam"`, ...), a config dict, or an optimizer (returned as is)."""
    return object_from_identifier(identifier, _BY_NAME, Optimizer, "optimizer", allow_none=False, allow_callables=False, any_case=True)

_BY_NAME = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "nadam": Nadam}
