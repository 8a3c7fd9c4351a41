"""Small versions of the course's architectures: the Exercise 11 sentiment RNN, a U-Net and
a MobileNetV2 feature extractor (the Exercise 10 backbone), built by hand (no torchvision)."""

from __future__ import annotations

import math

import torch
from torch import nn

from reference_models.common import count_params, deterministic, param_rows, require, shape_of
from reference_models.run import Fact, Run, TraceRow

_CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def sentiment_model(
    vocab: int,
    embed: int,
    hidden: int,
    cell: str,
    layers: int,
    bidirectional: bool,
    classes: int,
    batch: int,
    seq_len: int,
) -> Run:
    for name, value in (
        ("vocab", vocab),
        ("embed", embed),
        ("hidden", hidden),
        ("layers", layers),
        ("classes", classes),
        ("batch", batch),
        ("seq_len", seq_len),
    ):
        require(value > 0, f"sentiment_model: {name} must be positive")
    require(vocab * embed <= 50_000_000, "sentiment_model: the embedding is too large to build")
    require(batch * seq_len <= 100_000, "sentiment_model: batch * seq_len is too large")
    directions = 2 if bidirectional else 1
    with deterministic(), torch.no_grad():
        embedding = nn.Embedding(vocab, embed)
        rnn = _CELLS[cell](
            embed, hidden, num_layers=layers, batch_first=True, bidirectional=bidirectional
        )
        head = nn.Linear(hidden * directions, classes)
        tokens = torch.randint(0, vocab, (batch, seq_len))
        embedded = embedding(tokens)
        outputs, state = rnn(embedded)
        h_n = state[0] if cell == "lstm" else state
        # h_n is (layers * directions, batch, hidden): the last layer's directions, joined.
        last = torch.cat(list(h_n[-directions:]), dim=1)
        logits = head(last)
    parts = [("embedding", embedding), ("rnn", rnn), ("fc", head)]
    counts = {name: count_params(module) for name, module in parts}
    trace = [
        TraceRow("tokens", shape_of(tokens), 0),
        TraceRow(f"Embedding({vocab}, {embed})", shape_of(embedded), counts["embedding"]),
        TraceRow(
            f"{type(rnn).__name__}({embed}, {hidden}, layers={layers}, "
            f"bidirectional={bidirectional}) outputs",
            shape_of(outputs),
            counts["rnn"],
        ),
        TraceRow("last hidden state (last layer, all directions)", shape_of(last), 0),
        TraceRow(f"Linear({hidden * directions}, {classes})", shape_of(logits), counts["fc"]),
    ]
    table = [row for name, module in parts for row in param_rows(module, name + ".")]
    facts: dict[str, Fact] = {
        "params": sum(counts.values()),
        "output_shape": shape_of(logits),
        "embedding_params": counts["embedding"],
        "rnn_params": counts["rnn"],
        "linear_params": counts["fc"],
    }
    notes = [
        "Exercise 11: Embedding -> RNN -> fully connected layer on the last hidden state, "
        "trained with cross-entropy",
        "PyTorch keeps two bias vectors per gate (b_ih and b_hh): 4 gates for an LSTM, 3 for a "
        "GRU, 1 for a plain RNN",
    ]
    return Run("sentiment_model", facts, trace=trace, params_table=table, notes=notes)


def _double_conv(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    )


def unet_small(in_channels: int, base: int, depth: int, size: int, classes: int) -> Run:
    require(1 <= depth <= 5, "unet_small: depth must be 1..5")
    require(1 <= base <= 64 and 1 <= in_channels <= 16, "unet_small: base 1..64, in_channels 1..16")
    require(1 <= classes <= 1000, "unet_small: classes must be 1..1000")
    require(size % 2**depth == 0, f"unet_small: size must be divisible by 2^depth = {2**depth}")
    require(size <= 256, "unet_small: size must be at most 256")
    channels = [base * 2**level for level in range(depth + 1)]
    with deterministic(), torch.no_grad():
        encoders = [
            _double_conv(in_channels if i == 0 else channels[i - 1], channels[i])
            for i in range(depth)
        ]
        bottleneck = _double_conv(channels[depth - 1], channels[depth])
        ups = [
            nn.ConvTranspose2d(channels[i + 1], channels[i], 2, stride=2)
            for i in reversed(range(depth))
        ]
        decoders = [_double_conv(2 * channels[i], channels[i]) for i in reversed(range(depth))]
        head = nn.Conv2d(channels[0], classes, 1)
        model = nn.ModuleDict(
            {
                "encoders": nn.ModuleList(encoders),
                "bottleneck": bottleneck,
                "ups": nn.ModuleList(ups),
                "decoders": nn.ModuleList(decoders),
                "head": head,
            }
        ).eval()
        x = torch.randn(1, in_channels, size, size)
        trace = [TraceRow("input", shape_of(x), 0)]
        skips = []
        for level, encoder in enumerate(encoders):
            x = encoder(x)
            skips.append(x)
            trace.append(
                TraceRow(
                    f"encoder {level + 1} (2x conv3x3) -> skip", shape_of(x), count_params(encoder)
                )
            )
            x = nn.functional.max_pool2d(x, 2)
            trace.append(TraceRow("MaxPool2d(2)", shape_of(x), 0))
        x = bottleneck(x)
        bottleneck_shape = shape_of(x)
        trace.append(
            TraceRow("bottleneck (2x conv3x3)", bottleneck_shape, count_params(bottleneck))
        )
        for up, decoder, skip in zip(ups, decoders, reversed(skips), strict=True):
            x = up(x)
            trace.append(TraceRow("ConvTranspose2d(k=2, s=2)", shape_of(x), count_params(up)))
            x = torch.cat([x, skip], dim=1)
            trace.append(TraceRow("concat skip", shape_of(x), 0))
            x = decoder(x)
            trace.append(TraceRow("decoder (2x conv3x3)", shape_of(x), count_params(decoder)))
        x = head(x)
        trace.append(TraceRow(f"Conv2d 1x1 -> {classes} classes", shape_of(x), count_params(head)))
    facts: dict[str, Fact] = {
        "output_shape": shape_of(x),
        "skip_shapes": tuple(shape_of(s) for s in skips),
        "bottleneck_shape": bottleneck_shape,
        "params": count_params(model),
    }
    notes = [
        "the output has the input's height and width: one score per class and pixel "
        "(Exercise 10: semantic segmentation, 23 MSRC classes)",
        "skip connections concatenate encoder features at each resolution, so the decoder "
        "recovers the detail that pooling discarded",
    ]
    table = param_rows(model)
    return Run("unet_small", facts, trace=trace, params_table=table, notes=notes)


def _make_divisible(value: float, divisor: int = 8) -> int:
    """torchvision's channel rounding: nearest multiple of 8, never more than 10% down."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _conv_bn_relu6(
    c_in: int, c_out: int, kernel: int, stride: int = 1, groups: int = 1
) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU6(inplace=True),
    )


class InvertedResidual(nn.Module):
    """1x1 expansion, depthwise 3x3 (groups = channels), linear 1x1 projection (+ residual)."""

    def __init__(self, c_in: int, c_out: int, stride: int, expansion: int) -> None:
        super().__init__()
        hidden = int(round(c_in * expansion))
        self.residual = stride == 1 and c_in == c_out
        layers: list[nn.Module] = []
        if expansion != 1:
            layers.append(_conv_bn_relu6(c_in, hidden, 1))
        layers += [
            _conv_bn_relu6(hidden, hidden, 3, stride, groups=hidden),
            nn.Conv2d(hidden, c_out, 1, bias=False),
            nn.BatchNorm2d(c_out),
        ]
        self.conv = nn.Sequential(*layers)
        self.describe = f"InvertedResidual(t={expansion}, {c_in}->{c_out}, s={stride}" + (
            ", +x)" if self.residual else ")"
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.conv(x)
        return x + out if self.residual else out


# (expansion t, channels c, repeats n, first stride s), as in the MobileNetV2 paper
_SETTINGS = [
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
]


def mobilenetv2_features(width: float) -> nn.Sequential:
    c_in = _make_divisible(32 * width)
    features: list[nn.Module] = [_conv_bn_relu6(3, c_in, 3, stride=2)]
    for expansion, channels, repeats, stride in _SETTINGS:
        c_out = _make_divisible(channels * width)
        for index in range(repeats):
            features.append(InvertedResidual(c_in, c_out, stride if index == 0 else 1, expansion))
            c_in = c_out
    features.append(_conv_bn_relu6(c_in, _make_divisible(1280 * max(1.0, width)), 1))
    return nn.Sequential(*features)


def mobilenetv2_small(width: float, size: int) -> Run:
    require(0.1 <= width <= 1.5, "mobilenetv2_small: width must be 0.1..1.5")
    require(32 <= size <= 256, "mobilenetv2_small: size must be 32..256")
    with deterministic(), torch.no_grad():
        features = mobilenetv2_features(width).eval()
        x = torch.randn(1, 3, size, size)
        trace = []
        stage_shapes = []
        by_stride: dict[int, tuple[int, ...]] = {}
        for index, block in enumerate(features):
            x = block(x)
            shape = shape_of(x)
            stage_shapes.append(shape[1:])
            stride = 2 ** round(math.log2(size / shape[2]))
            by_stride[stride] = shape[1:]  # the last block at each stride: a skip candidate
            name = getattr(block, "describe", "ConvBNReLU6")
            trace.append(TraceRow(f"features[{index}] {name}", shape, count_params(block)))
    facts: dict[str, Fact] = {
        "output_shape": shape_of(x),
        "output_stride": 2 ** round(math.log2(size / x.shape[2])),
        "params": count_params(features),
        "stage_shapes": tuple(stage_shapes),
        **{f"stride{s}_shape": by_stride[s] for s in (4, 8, 16, 32) if s in by_stride},
    }
    notes = [
        "Exercise 10 used mobilenet_v2(pretrained).features as the U-Net encoder: skips from "
        "the blocks at output stride 4/8/16, the 1280-channel map at stride 32 as bottleneck",
        "a 1x1 convolution shrinks the 1280 bottleneck channels cheaply before upsampling",
        "depthwise 3x3 convolutions have groups = channels: 9 weights per channel instead of "
        "9 * C_in",
    ]
    table = param_rows(features)
    return Run("mobilenetv2_small", facts, trace=trace, params_table=table, notes=notes)
