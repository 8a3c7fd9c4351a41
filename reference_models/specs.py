"""The reference models' descriptions: name, module, function, arguments and facts.

Plain data, no torch: :mod:`reference_models.registry` imports a model's module only when
the model runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ArgKind = Literal["int", "number", "bool", "text"]


@dataclass(frozen=True)
class ArgSpec:
    kind: ArgKind
    required: bool = False
    default: Any = None
    help: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelSpec:
    name: str
    module: str
    function: str
    description: str
    args: dict[str, ArgSpec] = field(default_factory=dict)
    facts: tuple[str, ...] = ()
    # Facts named after the input (autograd_graph: one per node), so not listable here.
    dynamic_facts: bool = False

    def signature(self) -> str:
        parts = []
        for name, spec in self.args.items():
            parts.append(name if spec.required else f"{name}={_show_default(spec.default)}")
        return f"{self.name}({', '.join(parts)})"


def _show_default(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return "none" if value is None else str(value)


def _req(kind: ArgKind, help_text: str = "") -> ArgSpec:
    return ArgSpec(kind, required=True, help=help_text)


def _opt(
    kind: ArgKind, default: Any, help_text: str = "", choices: tuple[str, ...] = ()
) -> ArgSpec:
    return ArgSpec(kind, default=default, help=help_text, choices=choices)


_SIZE_ARGS = {
    "size": _req("int", "input length (per spatial side)"),
    "kernel": _req("int"),
}
_CONV2D_ARGS = {
    "batch": _req("int"),
    "out_channels": _req("int"),
    "height": _req("int"),
    "width": _req("int"),
    "kernel": _req("int"),
    "stride": _opt("int", 1),
    "padding": _opt("int", 0),
}
_OPTIMIZERS = ("sgd", "momentum", "adam", "adamw", "rmsprop")


def _spec(
    name: str,
    module: str,
    description: str,
    args: dict[str, ArgSpec],
    facts: tuple[str, ...],
    *,
    function: str | None = None,
    dynamic_facts: bool = False,
) -> ModelSpec:
    return ModelSpec(
        name,
        f"reference_models.{module}",
        function or name,
        description,
        args,
        facts,
        dynamic_facts,
    )


SPECS = [
    _spec(
        "conv_shape",
        "shapes",
        "nn.Conv1d/nn.Conv2d forward pass: the output size per spatial side",
        {
            **_SIZE_ARGS,
            "stride": _opt("int", 1),
            "padding": _opt("int", 0),
            "dilation": _opt("int", 1),
            "dims": _opt("int", 2, "1 for Conv1d, 2 for Conv2d"),
        },
        ("size", "shape"),
    ),
    _spec(
        "pool_shape",
        "shapes",
        "nn.MaxPool/AvgPool forward pass: the output size per side (ceil_mode included)",
        {
            **_SIZE_ARGS,
            "stride": _opt("int", None, "default: the kernel size"),
            "padding": _opt("int", 0),
            "dilation": _opt("int", 1, "max pooling only"),
            "ceil_mode": _opt("bool", False),
            "mode": _opt("text", "max", choices=("max", "avg")),
        },
        ("size", "shape"),
    ),
    _spec(
        "convt_shape",
        "shapes",
        "nn.ConvTranspose2d forward pass: the output size per side",
        {
            **_SIZE_ARGS,
            "stride": _opt("int", 1),
            "padding": _opt("int", 0),
            "output_padding": _opt("int", 0),
            "dilation": _opt("int", 1),
        },
        ("size", "shape"),
    ),
    _spec(
        "conv2d_shape",
        "shapes",
        "nn.Conv2d on an (N, 1, H, W) input: the output shape (N, C_out, H_out, W_out)",
        {**_CONV2D_ARGS, "dilation": _opt("int", 1)},
        ("shape", "height", "width"),
    ),
    _spec(
        "pool2d_shape",
        "shapes",
        "nn.MaxPool2d on an (N, C, H, W) input: the output shape",
        {
            "batch": _req("int"),
            "channels": _req("int"),
            "height": _req("int"),
            "width": _req("int"),
            "kernel": _req("int"),
            "stride": _opt("int", None, "default: the kernel size"),
            "padding": _opt("int", 0),
            "ceil_mode": _opt("bool", False),
        },
        ("shape", "height", "width"),
    ),
    _spec(
        "convt2d_shape",
        "shapes",
        "nn.ConvTranspose2d on an (N, 1, H, W) input: the output shape",
        {**_CONV2D_ARGS, "output_padding": _opt("int", 0), "dilation": _opt("int", 1)},
        ("shape", "height", "width"),
    ),
    _spec(
        "layer_stack",
        "stack",
        "a stack of layers in the mini-language: shape trace and parameter table",
        {
            "layers": _req("text", 'e.g. "conv(in=3,out=96,k=11,s=4); relu(); pool(k=3,s=2)"'),
            "input": _req("text", 'input shape without or with batch: "3x227x227"'),
        },
        ("params", "output_shape", "output_shape_text", "buffers", "layer_params", "layer_shapes"),
    ),
    _spec(
        "receptive_field",
        "receptive",
        "receptive field measured from input gradients of a unit-weight network",
        {"layers": _req("text", 'e.g. "conv(k=3); conv(k=3); pool(k=2,s=2)"')},
        ("rf", "stride", "padding"),
    ),
    _spec(
        "param_count",
        "params",
        "the parameters and buffers of one layer in the mini-language",
        {"layer": _req("text", 'e.g. "lstm(input=100, hidden=256, layers=2)"')},
        (
            "params",
            "buffers",
            "total_state",
            "weight_shape",
            "bias_shape",
            "gates",
            "layer0_params",
            "running_stats",
        ),
    ),
    _spec(
        "dataloader_len",
        "training",
        "len(DataLoader) over a TensorDataset: iterations per epoch, total, last batch",
        {
            "samples": _req("int"),
            "batch": _req("int"),
            "drop_last": _opt("bool", False),
            "epochs": _opt("int", 1),
        },
        ("iterations_per_epoch", "total", "last_batch_size"),
    ),
    _spec(
        "optimizer_step",
        "training",
        "torch.optim steps on one float64 weight, one step per given gradient",
        {
            "optimizer": _opt("text", "sgd", choices=_OPTIMIZERS),
            "w": _req("number", "the starting weight"),
            "grads": _req("text", 'gradients, one per step: "0.5, -0.1"'),
            "lr": _req("number"),
            "momentum": _opt("number", 0.9),
            "beta1": _opt("number", 0.9),
            "beta2": _opt("number", 0.999),
            "eps": _opt("number", 1e-8),
            "weight_decay": _opt("number", 0),
            "alpha": _opt("number", 0.99),
        },
        ("w_new", "update", "steps", "m", "v", "m_hat", "v_hat", "velocity"),
    ),
    _spec(
        "weight_decay_compare",
        "training",
        "one step with L2 in the loss versus decoupled weight decay (SGD or Adam/AdamW)",
        {
            "w": _req("number"),
            "grad": _req("number"),
            "lr": _req("number"),
            "decay": _req("number"),
            "optimizer": _opt("text", "sgd", choices=("sgd", "adam")),
        },
        ("w_l2", "w_decoupled", "equal"),
    ),
    _spec(
        "batchnorm_modes",
        "layers_behaviour",
        "nn.BatchNorm1d in train mode (batch statistics) versus eval mode (running statistics)",
        {
            "values": _req("text", 'one feature over a batch: "1, 2, 3, 6"'),
            "eps": _opt("number", 1e-5),
            "index": _opt("int", 0, "which sample's x_hat to report"),
        },
        (
            "mean",
            "var",
            "x_hat",
            "train_output",
            "eval_output",
            "running_mean",
            "running_var",
            "train_affine",
            "eval_affine",
        ),
    ),
    _spec(
        "dropout_modes",
        "layers_behaviour",
        "nn.Dropout on a vector of ones in train and eval mode",
        {"p": _req("number"), "n": _opt("int", 10000)},
        ("train_scale", "eval_identity", "kept_fraction"),
    ),
    _spec(
        "conv_equivariance",
        "layers_behaviour",
        "convolution is shift-equivariant; global average pooling after it is shift-invariant",
        {"shift": _opt("int", 2)},
        ("equivariant", "gap_invariant", "flatten_invariant"),
    ),
    _spec(
        "edge_filter",
        "layers_behaviour",
        "the slides' vertical edge detector on a 6x6 step image",
        {},
        ("output", "row", "output_shape"),
    ),
    _spec(
        "softmax_ce",
        "autograd",
        "softmax, nn.CrossEntropyLoss and its gradient with respect to the logits",
        {"logits": _req("text", '"2, 1, 0.1"'), "target": _opt("int", 0)},
        ("probs", "prob", "loss", "grad_logits"),
    ),
    _spec(
        "autograd_graph",
        "autograd",
        "a small computational graph run through autograd: the output and every gradient",
        {
            "graph": _req("text", '"a = x * y; b = a + z; f = max(b, 0)"'),
            "inputs": _req("text", '"x=1, y=-2, z=3"'),
        },
        ("value",),
        dynamic_facts=True,
    ),
    _spec(
        "sentiment_model",
        "architectures",
        "Exercise 11: Embedding -> RNN/LSTM/GRU -> Linear on the last hidden state",
        {
            "vocab": _opt("int", 10000),
            "embed": _opt("int", 300),
            "hidden": _opt("int", 256),
            "cell": _opt("text", "rnn", choices=("rnn", "lstm", "gru")),
            "layers": _opt("int", 1),
            "bidirectional": _opt("bool", False),
            "classes": _opt("int", 2),
            "batch": _opt("int", 4),
            "seq_len": _opt("int", 20),
        },
        ("params", "output_shape", "embedding_params", "rnn_params", "linear_params"),
    ),
    _spec(
        "unet_small",
        "architectures",
        "a small U-Net (Exercise 10): encoder, bottleneck, decoder with skip concatenation",
        {
            "in_channels": _opt("int", 3),
            "base": _opt("int", 8),
            "depth": _opt("int", 3),
            "size": _opt("int", 64),
            "classes": _opt("int", 23),
        },
        ("output_shape", "skip_shapes", "bottleneck_shape", "params"),
    ),
    _spec(
        "mobilenetv2_small",
        "architectures",
        "MobileNetV2 feature extractor (inverted residuals, depthwise 3x3) at a width multiplier",
        {"width": _opt("number", 0.25), "size": _opt("int", 64)},
        (
            "output_shape",
            "output_stride",
            "params",
            "stage_shapes",
            "stride4_shape",
            "stride8_shape",
            "stride16_shape",
            "stride32_shape",
        ),
    ),
]
