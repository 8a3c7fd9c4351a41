"""The catalogue of named mistakes: tag -> the default message a student sees.

Solvers attach these tags to typical wrong values (:class:`solvers.solution.KnownMistake`)
and bank authors use the same tags in their own mistake rules, so the statistics can count
"forgot the +1" across every question. Add new tags here; a tag is lower-case words joined
by hyphens.
"""

from __future__ import annotations

from typing import Final

MISTAKES: Final[dict[str, str]] = {
    # --- output sizes
    "forgot-plus-one": (
        "You forgot the +1: the first window position counts too, so the output size is "
        "⌊(n + 2p − d(k−1) − 1)/s⌋ + 1."
    ),
    "floor-vs-ceil": (
        "Rounding: PyTorch floors the division (partial windows are dropped) unless "
        "ceil_mode=True, which rounds up."
    ),
    "padding-forgotten": "You left out the padding: it adds p rows/columns to the input.",
    "padding-once": "Padding is added on both sides, so the input grows by 2p, not p.",
    "dilation-ignored": ("Dilation spreads the kernel: its effective size is d(k−1) + 1, not k."),
    "ceil-mode-last-window": (
        "With ceil_mode=True PyTorch drops a last window that would start in the right "
        "padding, so the count is one smaller than the plain ceiling."
    ),
    "convt-formula-inverted": (
        "That is the convolution formula. A transposed convolution inverts it: "
        "(n−1)s − 2p + d(k−1) + output_padding + 1."
    ),
    "convt-n-times-s": (
        "The first input position needs no stride: a transposed convolution starts from "
        "(n−1)·s, not n·s."
    ),
    "output-padding-forgotten": "output_padding adds to one side of the output: include it.",
    # --- receptive fields
    "rf-stride-product": (
        "Each layer's (k−1) is multiplied by the product of the strides of all layers "
        "*before* it (not its own stride, and not their sum)."
    ),
    "rf-stride-ignored": (
        "Strides matter: after a stride-s layer, one step in the next layer spans s input pixels."
    ),
    # --- parameter counts
    "bias-forgotten": "Don't forget the biases: one per output unit (or channel).",
    "in-channels-ignored": (
        "Every filter spans all input channels (per group): weights are out · (in/groups) · k · k."
    ),
    "groups-ignored": (
        "With groups=g each filter only sees in/g input channels, so the weights shrink by g."
    ),
    "one-rnn-bias": (
        "PyTorch's RNN/LSTM/GRU layers have two bias vectors per gate (b_ih and b_hh), "
        "so the bias count is 2·g·h per layer and direction."
    ),
    "wrong-gate-count": (
        "Gate count: an LSTM has 4 weight blocks (input, forget, cell, output), a GRU 3 "
        "(reset, update, new), a plain RNN 1."
    ),
    "bidirectional-ignored": (
        "A bidirectional RNN has a second set of weights for the backward direction, and "
        "the next layer's input is 2·h wide."
    ),
    "rnn-layer-input": (
        "Layers after the first take the previous layer's output (h, or 2h when "
        "bidirectional) as their input, not the original input size."
    ),
    "bn-running-stats-counted": (
        "running_mean and running_var are buffers, not learnable parameters: BatchNorm has "
        "2C parameters (γ and β)."
    ),
    # --- training loop
    "drop-last": (
        "drop_last decides the rounding: without it the last partial batch is kept "
        "(ceil); with drop_last=True it is dropped (floor)."
    ),
    "epochs-vs-iterations": (
        "Iterations per epoch and total iterations differ by the factor epochs."
    ),
    "mb-vs-mib": "MB is 10^6 bytes, MiB is 2^20 = 1,048,576 bytes.",
    "bytes-per-param-forgotten": (
        "Multiply by the bytes per parameter (4 for float32) to get the memory."
    ),
    # --- optimisers
    "adam-no-bias-correction": (
        "Adam divides m and v by (1 − β^t) before the update. Without the bias correction "
        "both moments are biased towards zero (they start at 0), so the early steps have the "
        "wrong size: with the default betas they are too large, because v is shrunk more than m."
    ),
    "momentum-ignored": "With momentum the step uses the velocity, not the raw gradient.",
    "weight-decay-forgotten": "weight_decay=λ adds λ·w to the gradient before the step.",
    "gradient-ascent": "Gradient descent subtracts lr·gradient; adding it climbs the loss.",
    "rmsprop-alpha-swapped": ("RMSprop keeps α of the old average: v = α·v + (1 − α)·g²."),
    # --- functions
    "softmax-no-exp": (
        "Softmax exponentiates the logits first: e^{z_i} / Σ e^{z_j}, not z_i / Σ z_j."
    ),
    "log-base": "Losses use the natural logarithm (ln), not log10 or log2.",
    "bn-unbiased-var": (
        "Batch norm normalises with the biased batch variance (divide by n, not n − 1)."
    ),
    "std-vs-variance": "Standard deviation is the square root of the variance.",
    "xavier-fan-in-only": (
        "PyTorch's xavier_normal_ uses Var = 2/(fan_in + fan_out); 1/fan_in is the "
        "simplified (LeCun) form."
    ),
    "dropout-scale-inverted": (
        "Inverted dropout scales the kept activations by 1/(1 − p) during training."
    ),
}
