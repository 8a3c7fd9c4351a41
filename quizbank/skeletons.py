"""The commented skeletons that `dlquiz bank new` writes, one per question type.

Each is one entry of a file's ``questions:`` list, indented for it. Markers filled in by
:mod:`quizbank.scaffold`: ``@ID@`` and ``@LECTURE@``; inside ``tests:``, ``@answer@`` is
the computed answer of seed 0, ``@mistake:TAG@`` the value of that mistake rule at seed 0
and ``@NAME@`` the value of the param NAME at seed 0 (they depend on the id, which seeds
the draw). Kept as Python text, not data files, so that they ship with the package.
"""

from __future__ import annotations

from typing import Final

_COMMON: Final = """\
  # Check it with `dlquiz bank validate`, `dlquiz bank lint`, `dlquiz bank preview ID`.
  - id: @ID@  # unique in all banks: lNN-topic-what, lowercase
    type: @TYPE@
    lecture: @LECTURE@
    topic: @TOPIC@  # questions of one topic are practised together
    tags: [@TAGS@]
    difficulty: 2                  # 1 easy, 2 medium, 3 hard
    source: "TODO: Lecture @LECTURE@, slide N"   # where a student can look it up
"""

SINGLE: Final = (
    _COMMON.replace("@TOPIC@", "activations").replace("@TAGS@", "activations")
    + """\
    prompt: |
      Which activation function squashes its input into the interval (0, 1)?
    shuffle: true                  # options are shown in a random order (set per seed)
    options:
      - text: Sigmoid
        correct: true
        why: $\\sigma(x) = 1/(1 + e^{-x})$ lies strictly between 0 and 1.
      - text: tanh
        correct: false
        why: tanh maps into (-1, 1); it is a shifted and scaled sigmoid.
        misconception: tanh-is-positive   # optional: a tag for this wrong idea
      - text: ReLU
        correct: false
        why: ReLU is unbounded above, since $\\max(0, x)$ grows with $x$.
    explanation: |
      Only the sigmoid is bounded by 0 and 1, which is why it is used for probabilities in
      binary classification. tanh is zero-centred in (-1, 1); ReLU is unbounded.
    tests:                         # options are named A, B, C... in the order of this file
      - {answer: "A", expect: correct}
      - {answer: "C", expect: incorrect}
"""
)

MULTI: Final = (
    _COMMON.replace("@TOPIC@", "pooling").replace("@TAGS@", "pooling")
    + """\
    prompt: |
      Which statements about a 2×2 max-pooling layer with stride 2 are true?
      (One or more answers are correct.)
    options:                       # at least one correct and one wrong option
      - text: It is applied to each channel separately.
        correct: true
        why: Pooling acts on each feature map on its own; the channel count stays the same.
      - text: It has learnable weights.
        correct: false
        why: Max pooling only selects the largest value in each window; it has no parameters.
        misconception: pooling-has-weights
      - text: It halves the height and the width of an even-sized feature map.
        correct: true
        why: With k = s = 2 and no padding, the output size is (n − 2)/2 + 1 = n/2.
    explanation: |
      Pooling *selects* the strongest activation in each window, independently in every
      channel. It has no weights, and with kernel 2 and stride 2 it halves each side.
    tests:
      - {answer: "A, C", expect: correct}
      - {answer: "A", expect: incorrect}   # partly right is still not correct
"""
)

TRUEFALSE: Final = (
    _COMMON.replace("@TOPIC@", "equivariance").replace("@TAGS@", "conv")
    + """\
    prompt: A convolution layer is translation *invariant*.
    answer: false
    explanation: |
      Convolution is translation **equivariant**: shifting the input shifts the feature map.
      A network becomes (approximately) invariant only when a layer such as global average
      pooling throws the position away.
    tests:
      - {answer: "false", expect: correct}
      - {answer: "true", expect: incorrect}
"""
)

NUMERIC: Final = (
    _COMMON.replace("@TOPIC@", "conv output size").replace("@TAGS@", "conv, output-size")
    + """\
    # A template: {name} shows a param's value; write {{ and }} for literal braces.
    prompt: |
      A `Conv2d` layer with kernel size {k}, stride {s} and padding {p} is applied to an
      input of width {n}. What is the output width?
    params:                        # drawn per seed; the same seed always gives the same values
      n: {range: [16, 64]}         # whole numbers 16..64 (add `step: 0.1` for decimals)
      k: {choices: [3, 5]}
      s: {choices: [1, 2]}
      p: {range: [0, 2]}
    derived:                       # computed from the params, in order (safe expressions)
      padded: "n + 2*p"
    constraints:                   # draws that break one of these are redrawn
      - "p <= k // 2"
      - "k <= padded"
    answer:                        # a solver computes the answer and its worked solution
      solver: conv_out             # list them with `dlquiz solve list`
      args: {size: n, kernel: k, stride: s, padding: p}
    # answer: {expr: "(padded - k) // s + 1"}   # or a safe expression over params and derived
    # tolerance: {rel: 0.01}       # for answers that are not whole numbers
    # unit: MB                     # accepted after the number
    reference_model:               # a tiny PyTorch model that `dlquiz bank check` runs
      name: conv_shape
      args: {size: n, kernel: k, stride: s, padding: p}
      fact: size
    mistakes:                      # a known wrong answer gets its own feedback (the solver
      - tag: kernel-ignored        # already knows forgot-plus-one and floor-vs-ceil)
        message: The window needs k pixels; subtract the kernel size before dividing.
        answer: {expr: "padded // s + 1"}
    explanation: |
      $W_{out} = \\lfloor (W_{in} + 2p - k)/s \\rfloor + 1$. Padding adds $p$ on *both* sides,
      the division floors, and the $+1$ counts the first window position.
    tests:                         # seed 0 unless a test says `seed: N`
      - {answer: "@answer@", expect: correct}  # seed 0 draws n=@n@ k=@k@ s=@s@ p=@p@
      - {answer: "@mistake:kernel-ignored@", expect: incorrect, mistake: kernel-ignored}
      - {answer: "abc", expect: invalid}  # unreadable answers are never counted wrong
"""
)

EXPRESSION: Final = (
    _COMMON.replace("@TOPIC@", "receptive field").replace("@TAGS@", "receptive-field")
    + """\
    prompt: |
      $L$ convolution layers with kernel size {k} and stride 1 are stacked. Give the receptive
      field of one output pixel as a formula in `L`.
    symbols: [L]                   # the names the student's formula may use
    params:
      k: {choices: [3, 5, 7]}
    answer: {expr: "1 + L*(k - 1)"}    # params are replaced by their values
    mistakes:
      - tag: rf-forgot-one
        message: A single pixel already sees itself; start from a receptive field of 1.
        answer: {expr: "L*(k - 1)"}
    explanation: |
      Each stride-1 layer with kernel $k$ widens the region by $k - 1$ pixels, starting from a
      single pixel: $r_L = 1 + L(k - 1)$.
    tests:                         # seed 0 draws k = @k@
      - {answer: "1 + L*(@k@ - 1)", expect: correct}
      - {answer: "L*(@k@ - 1)", expect: incorrect, mistake: rf-forgot-one}
      - {answer: "L*", expect: invalid}
"""
)

SHAPE: Final = (
    _COMMON.replace("@TOPIC@", "conv output size").replace("@TAGS@", "conv, output-shape")
    + """\
    prompt: |
      A batch of shape $(N, {c_in}, {h}, {h})$ passes through
      `nn.Conv2d({c_in}, {c_out}, kernel_size={k}, padding={p})`. Give the output shape, writing
      `N` for the batch size.
    symbols: [N]                   # symbolic dimensions the student writes as names
    params:
      c_in: {choices: [1, 3]}
      c_out: {choices: [8, 16, 32]}
      h: {range: [8, 64]}
      k: {choices: [3, 5]}
      p: {range: [0, 2]}
    derived:
      h_out: "h + 2*p - k + 1"
    constraints:
      - "h_out >= 1"
    answer: {shape: ["N", "c_out", "h_out", "h_out"]}   # one safe expression per dimension
    reference_model:
      name: conv2d_shape
      args: {batch: 2, out_channels: c_out, height: h, width: h, kernel: k, padding: p}
      fact: shape
    mistakes:
      - tag: forgot-plus-one
        message: The formula ends in +1; the first window position counts too.
        answer: {shape: ["N", "c_out", "h_out - 1", "h_out - 1"]}
    explanation: |
      The batch size is unchanged, the channel count is `out_channels`, and each spatial
      side follows $n + 2p - k + 1$ at stride 1.
    tests:
      - {answer: "@answer@", expect: correct}
      - {answer: "@mistake:forgot-plus-one@", expect: incorrect, mistake: forgot-plus-one}
      - {answer: "(N, 1, 2", expect: invalid}
"""
)

OPEN: Final = (
    _COMMON.replace("@TOPIC@", "pooling").replace("@TAGS@", "pooling")
    + """\
    prompt: Give two reasons to use pooling layers in a CNN.
    model_answer: |                # shown after the student reveals the answer
      Pooling reduces the spatial size (less computation and memory in later layers, and a
      larger receptive field per layer), and it makes the features more robust to small
      translations by keeping the strongest activation in each region.
    key_points:                    # the student rates their answer against these
      - reduces spatial resolution and computation
      - grows the receptive field faster
      - some robustness to small shifts
    explanation: Pooling is "feature selection" after the conv layer's "feature extraction".
    # Open answers are rated by the student, so they have no tests.
"""
)

PROBLEM: Final = (
    _COMMON.replace("@TOPIC@", "CNN design").replace("@TAGS@", "conv, parameters")
    + """\
    prompt: |                      # the shared setup; each part is graded on its own
      An RGB image of size {h}×{h} goes through
      `conv1 = nn.Conv2d(3, {c1}, kernel_size=3, padding=1)` followed by `nn.MaxPool2d(2)`.
    params:                        # shared by all parts
      h: {choices: [32, 64, 128]}
      c1: {choices: [16, 32, 64]}
    parts:
      - id: a
        type: numeric
        prompt: How many learnable parameters does `conv1` have (weights and biases)?
        answer:
          solver: conv_params
          args: {in_channels: 3, out_channels: c1, kernel: 3}
          output: params
        reference_model:
          name: param_count
          args: {layer: "conv(in=3, out={c1}, k=3)"}   # text arguments are templates
          fact: params
        mistakes:
          - tag: one-filter-only
            message: That counts one filter; the layer has one filter per output channel.
            answer: {expr: "3*3*3 + 1"}
      - id: b
        type: shape
        prompt: What is the shape of one image's feature map after the pooling, as (C, H, W)?
        answer: {shape: ["c1", "h // 2", "h // 2"]}
      - id: c
        type: single
        prompt: Which padding keeps the spatial size for a 3×3 kernel with stride 1?
        options:
          - {text: "0", correct: false, why: "Without padding the size shrinks by k − 1 = 2."}
          - {text: "1", correct: true, why: "p = (k − 1)/2 = 1 keeps the size."}
          - {text: "3", correct: false, why: "That grows the output by 4 pixels."}
    explanation: |
      Each of the {c1} filters has 3·3·3 weights and one bias. Padding 1 keeps the size at the
      conv, then 2×2 max pooling halves it.
    tests:                         # a problem's test names its part
      - {part: a, answer: "@answer:a@", expect: correct}
      - part: a
        answer: "@mistake:a:one-filter-only@"
        expect: incorrect
        mistake: one-filter-only
      - {part: b, answer: "@answer:b@", expect: correct}
      - {part: c, answer: "B", expect: correct}
"""
)

SKELETONS: Final = {
    "single": SINGLE,
    "multi": MULTI,
    "truefalse": TRUEFALSE,
    "numeric": NUMERIC,
    "expression": EXPRESSION,
    "shape": SHAPE,
    "open": OPEN,
    "problem": PROBLEM,
}
