"""Every DL solver by name, with its arguments, so banks and ``dlquiz solve`` can call them.

``get_solver("conv_out").solve(size=227, kernel=11, stride=4)`` checks and converts the
arguments (whole numbers, exact numbers, true/false, text; strings are read as safe
expressions), fills the defaults and returns the solver's :class:`Solution`. Bad values
raise :class:`SolverError` with one clear line. ``outputs`` names the facts a bank may ask
for; the value is the first. :func:`mistakes_for` gives the typical wrong values of any
output.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Final

from solvers import (
    backprop,
    functions,
    optim,
    params,
    receptive,
    shapes,
    shapes2d,
    stack,
    training,
)
from solvers.solver_spec import ArgKind, ArgSpec, SolverSpec, mistakes_for
from solvers.support import SolverError, SolverSolution

__all__ = [
    "SOLVERS",
    "ArgSpec",
    "SolverError",
    "SolverSpec",
    "get_solver",
    "mistakes_for",
]


# --------------------------------------------------------------------------- the table


def _req(kind: ArgKind, help_text: str, choices: tuple[str, ...] = ()) -> ArgSpec:
    return ArgSpec(kind, True, None, help_text, choices)


def _opt(kind: ArgKind, default: object, help_text: str, choices: tuple[str, ...] = ()) -> ArgSpec:
    return ArgSpec(kind, False, default, help_text, choices)


def _frac(text: str) -> Fraction:
    return Fraction(text)


SIZE = _req("int", "input size n along one dimension")
KERNEL = _req("int", "kernel size k")
STRIDE = _opt("int", 1, "stride s")
PADDING = _opt("int", 0, "padding p per side")
DILATION = _opt("int", 1, "dilation d")
OUTPUT_PADDING = _opt("int", 0, "output_padding (added on one side)")
POOL_STRIDE = _opt("int", None, "stride s (default: the kernel size)")
CEIL = _opt("bool", False, "ceil_mode")
LAYERS = _req("text", "layers in the mini-language, e.g. 'conv(k=3, s=2); pool(k=2)'")
W = _req("number", "the weight w")
GRAD = _req("number", "the gradient g")
LR = _req("number", "learning rate")
BIAS = _opt("bool", True, "with bias")
CHANNEL_ARGS = {
    "in_channels": _req("int", "input channels"),
    "out_channels": _req("int", "output channels"),
    "kernel": KERNEL,
    "groups": _opt("int", 1, "groups"),
    "bias": BIAS,
    "dims": _opt("int", 2, "spatial dimensions (1, 2 or 3)"),
}
ADAM_RATES = {
    "beta1": _opt("number", _frac("0.9"), "β1"),
    "beta2": _opt("number", _frac("0.999"), "β2"),
    "eps": _opt("number", _frac("1e-8"), "eps"),
}
SHAPE_OUTPUTS = ("shape", "height", "width")
ADAM_OUTPUTS = ("m", "v", "m_hat", "v_hat", "update", "w_new")
PARAM_OUTPUTS = ("params", "weight_shape", "bias_shape")


def _spec(
    solver_name: str,
    func: Callable[..., SolverSolution],
    description: str,
    outputs: tuple[str, ...],
    dynamic: bool = False,
    /,
    **args: ArgSpec,
) -> SolverSpec:
    return SolverSpec(solver_name, func, args, description, outputs, dynamic)


_ALL = [
    _spec(
        "conv_out",
        shapes.conv_out,
        "Conv output size ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1",
        ("size", "effective_kernel", "padded_size"),
        size=SIZE,
        kernel=KERNEL,
        stride=STRIDE,
        padding=PADDING,
        dilation=DILATION,
    ),
    _spec(
        "conv_same_padding",
        shapes.conv_same_padding,
        "Padding that keeps the size at stride 1 (PyTorch padding='same')",
        ("padding", "total", "left", "right", "symmetric"),
        kernel=KERNEL,
        dilation=DILATION,
    ),
    _spec(
        "pool_out",
        shapes.pool_out,
        "Pooling output size (floor, or ceil_mode as PyTorch)",
        ("size", "stride", "effective_kernel"),
        size=SIZE,
        kernel=KERNEL,
        stride=POOL_STRIDE,
        padding=PADDING,
        dilation=DILATION,
        ceil_mode=CEIL,
    ),
    _spec(
        "convt_out",
        shapes.convt_out,
        "Transposed conv output size (n−1)s − 2p + d(k−1) + output_padding + 1",
        ("size",),
        size=SIZE,
        kernel=KERNEL,
        stride=STRIDE,
        padding=PADDING,
        output_padding=OUTPUT_PADDING,
        dilation=DILATION,
    ),
    _spec(
        "conv2d_shape",
        shapes2d.conv2d_shape,
        "(N, C_out, H_out, W_out) of nn.Conv2d",
        SHAPE_OUTPUTS,
        batch=_req("int", "batch size N"),
        out_channels=_req("int", "output channels"),
        height=_req("int", "input height"),
        width=_req("int", "input width"),
        kernel=KERNEL,
        stride=STRIDE,
        padding=PADDING,
        dilation=DILATION,
    ),
    _spec(
        "pool2d_shape",
        shapes2d.pool2d_shape,
        "(N, C, H_out, W_out) of nn.MaxPool2d / AvgPool2d",
        SHAPE_OUTPUTS,
        batch=_req("int", "batch size N"),
        channels=_req("int", "channels"),
        height=_req("int", "input height"),
        width=_req("int", "input width"),
        kernel=KERNEL,
        stride=POOL_STRIDE,
        padding=PADDING,
        ceil_mode=CEIL,
    ),
    _spec(
        "convt2d_shape",
        shapes2d.convt2d_shape,
        "(N, C_out, H_out, W_out) of nn.ConvTranspose2d",
        SHAPE_OUTPUTS,
        batch=_req("int", "batch size N"),
        out_channels=_req("int", "output channels"),
        height=_req("int", "input height"),
        width=_req("int", "input width"),
        kernel=KERNEL,
        stride=STRIDE,
        padding=PADDING,
        output_padding=OUTPUT_PADDING,
        dilation=DILATION,
    ),
    _spec(
        "receptive_field",
        receptive.receptive_field,
        "Receptive field, effective stride and padding (Araujo et al., Distill 2019)",
        ("rf", "stride", "padding", "rf_per_layer", "stride_per_layer"),
        layers=LAYERS,
    ),
    _spec(
        "layer_stack",
        stack.layer_stack,
        "Output shape and parameters of a stack of layers",
        ("params", "layer_params", "output_shape", "output_shape_text"),
        layers=LAYERS,
        input=_req("text", "input shape, e.g. '3x227x227' or 'N,3,227,227'"),
    ),
    _spec(
        "stack_params",
        stack.stack_params,
        "Parameters of layers given with their sizes (conv/linear need in=...)",
        ("params", "layer_params"),
        layers=LAYERS,
    ),
    _spec(
        "linear_params",
        params.linear_params,
        "Parameters of nn.Linear",
        PARAM_OUTPUTS,
        in_features=_req("int", "input features"),
        out_features=_req("int", "output features"),
        bias=BIAS,
    ),
    _spec(
        "conv_params", params.conv_params, "Parameters of nn.ConvNd", PARAM_OUTPUTS, **CHANNEL_ARGS
    ),
    _spec(
        "convt_params",
        params.convt_params,
        "Parameters of nn.ConvTransposeNd",
        PARAM_OUTPUTS,
        **CHANNEL_ARGS,
    ),
    _spec(
        "batchnorm_params",
        params.batchnorm_params,
        "Learnable parameters and buffers of nn.BatchNorm2d",
        ("params", "buffers", "running_stats", "total_state"),
        num_features=_req("int", "channels C"),
        affine=_opt("bool", True, "learnable γ and β"),
    ),
    _spec(
        "embedding_params",
        params.embedding_params,
        "Parameters of nn.Embedding",
        ("params", "weight_shape"),
        num_embeddings=_req("int", "vocabulary size"),
        embedding_dim=_req("int", "embedding dimension"),
    ),
    _spec(
        "rnn_params",
        params.rnn_params,
        "Parameters of nn.RNN / nn.LSTM / nn.GRU",
        ("params", "per_layer", "gates"),
        input_size=_req("int", "input features"),
        hidden_size=_req("int", "hidden size h"),
        num_layers=_opt("int", 1, "stacked layers"),
        bidirectional=_opt("bool", False, "bidirectional"),
        bias=BIAS,
        proj_size=_opt("int", 0, "LSTM projection size (0: none)"),
        cell=_opt("text", "lstm", "cell type", ("rnn", "lstm", "gru")),
    ),
    _spec(
        "mlp_params",
        params.mlp_params,
        "Parameters of a fully connected net",
        ("params", "per_layer"),
        sizes=_req("text", "layer widths, e.g. '784, 100, 10'"),
        bias=BIAS,
    ),
    _spec(
        "model_memory",
        training.model_memory,
        "Memory of the weights in bytes, MB (10^6) and MiB (2^20)",
        ("memory", "bytes", "kb", "kib", "mb", "mib", "gb", "gib"),
        params=_req("int", "number of parameters"),
        bytes_per_param=_opt("number", Fraction(4), "bytes per parameter (4 for float32)"),
        unit=_opt("text", "MB", "unit of the value", tuple(training.UNITS)),
    ),
    _spec(
        "iterations",
        training.iterations,
        "Iterations of a DataLoader per epoch and in total",
        ("iterations_per_epoch", "total", "last_batch_size", "dropped"),
        samples=_req("int", "dataset size"),
        batch=_req("int", "batch size"),
        epochs=_opt("int", 1, "epochs"),
        drop_last=_opt("bool", False, "drop the last incomplete batch"),
    ),
    _spec(
        "sgd_step",
        optim.sgd_step,
        "One SGD step (torch.optim.SGD)",
        ("w_new", "grad_total"),
        w=W,
        grad=GRAD,
        lr=LR,
        weight_decay=_opt("number", Fraction(0), "weight_decay λ"),
    ),
    _spec(
        "momentum_step",
        optim.momentum_step,
        "One SGD-with-momentum step (PyTorch's buffer form)",
        ("velocity", "w_new", "lecture_velocity"),
        w=W,
        grad=GRAD,
        lr=LR,
        momentum=_req("number", "momentum μ"),
        velocity=_opt("number", Fraction(0), "previous velocity buffer (0: first step)"),
    ),
    _spec(
        "adam_step",
        optim.adam_step,
        "One Adam step (torch.optim.Adam)",
        ADAM_OUTPUTS,
        w=W,
        grad=GRAD,
        lr=_opt("number", _frac("0.001"), "learning rate"),
        **ADAM_RATES,
        step=_opt("int", 1, "step number t (1 = first)"),
        m=_opt("number", Fraction(0), "previous first moment"),
        v=_opt("number", Fraction(0), "previous second moment"),
    ),
    _spec(
        "adam_steps",
        optim.adam_steps,
        "Several Adam steps from fresh moments",
        ADAM_OUTPUTS,
        w=W,
        grads=_req("text", "gradients, e.g. '0.5, -0.1, 0.2'"),
        lr=_opt("number", _frac("0.001"), "learning rate"),
        **ADAM_RATES,
    ),
    _spec(
        "rmsprop_step",
        optim.rmsprop_step,
        "One RMSprop step (torch.optim.RMSprop)",
        ("v", "w_new", "update"),
        w=W,
        grad=GRAD,
        lr=_opt("number", _frac("0.01"), "learning rate"),
        alpha=_opt("number", _frac("0.99"), "smoothing α"),
        eps=_opt("number", _frac("1e-8"), "eps"),
        v=_opt("number", Fraction(0), "previous square average"),
    ),
    _spec(
        "weight_decay_compare",
        optim.weight_decay_compare,
        "L2 regularisation vs decoupled weight decay (SGD, Adam/AdamW)",
        ("w_l2", "w_decoupled", "equal", "difference"),
        w=W,
        grad=GRAD,
        lr=LR,
        decay=_req("number", "weight decay λ"),
        optimizer=_opt("text", "sgd", "optimizer", ("sgd", "adam")),
    ),
    _spec(
        "softmax",
        functions.softmax,
        "Softmax probabilities of logits",
        ("prob", "probs"),
        logits=_req("text", "logits, e.g. '2, 1, 0.1'"),
        index=_opt("int", 0, "which probability (0-based)"),
    ),
    _spec(
        "cross_entropy",
        functions.cross_entropy,
        "nn.CrossEntropyLoss of raw logits (natural log)",
        ("loss", "prob"),
        logits=_req("text", "logits, e.g. '2, 1, 0.1'"),
        target=_req("int", "target class (0-based)"),
    ),
    _spec(
        "binary_cross_entropy",
        functions.binary_cross_entropy,
        "nn.BCELoss of a probability",
        ("loss",),
        p=_req("number", "predicted probability"),
        y=_req("number", "target (0 or 1)"),
    ),
    _spec(
        "activation",
        functions.activation,
        "Activation value and derivative",
        ("value", "derivative"),
        name=_req("text", "activation", ("sigmoid", "tanh", "relu", "leaky_relu")),
        x=_req("number", "input x"),
        slope=_opt("number", _frac("0.01"), "leaky ReLU negative slope"),
    ),
    _spec(
        "batchnorm_normalize",
        functions.batchnorm_normalize,
        "Batch norm of one feature over a batch (training mode)",
        ("mean", "var", "x_hat", "y"),
        values=_req("text", "the batch, e.g. '1, 2, 3, 6'"),
        index=_opt("int", 0, "which value to normalise (0-based)"),
        eps=_opt("number", Fraction(0), "eps"),
        gamma=_opt("number", Fraction(1), "γ"),
        beta=_opt("number", Fraction(0), "β"),
    ),
    _spec(
        "dropout_scale",
        functions.dropout_scale,
        "Inverted dropout scale 1/(1 − p)",
        ("scale", "keep"),
        p=_req("number", "drop probability p"),
    ),
    _spec(
        "init_std",
        functions.init_std,
        "Std of Xavier / Kaiming / LeCun normal initialisation",
        ("std", "variance"),
        fan_in=_req("int", "fan in"),
        fan_out=_req("int", "fan out"),
        scheme=_opt("text", "kaiming", "scheme", ("xavier", "kaiming", "lecun")),
    ),
    _spec(
        "backprop",
        backprop.backprop,
        "Forward values and gradients of a small computational graph",
        ("value",),
        True,  # the facts are named after the graph's nodes
        graph=_req("text", "statements, e.g. 'a = x * y; b = a + z; f = max(b, 0)'"),
        inputs=_req("text", "input values, e.g. 'x=1, y=-2, z=3'"),
        output=_opt("text", "", "the output node (default: the last statement)"),
    ),
]

SOLVERS: Final[dict[str, SolverSpec]] = {spec.name: spec for spec in _ALL}


def get_solver(name: str) -> SolverSpec:
    """The solver called ``name``; a KeyError lists the known names."""
    try:
        return SOLVERS[name]
    except KeyError:
        known = ", ".join(sorted(SOLVERS))
        raise KeyError(f"unknown solver {name!r} (known: {known})") from None
