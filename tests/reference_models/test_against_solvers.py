"""Every solver agrees with its reference model over random valid parameters.

Sizes, receptive fields, parameter counts and iteration counts must agree exactly;
optimizer steps and other real-valued facts within 1e-12 (float64 in torch).
"""

from __future__ import annotations

import importlib.util
import math
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reference_models.registry import ModelError, run_model

pytestmark = [
    pytest.mark.torch,
    pytest.mark.skipif(
        importlib.util.find_spec("solvers.registry") is None,
        reason="solvers.registry is not written yet (another helper is on it)",
    ),
]
SETTINGS = settings(max_examples=25, deadline=None)


def solve(name: str, **kwargs: Any) -> Any:
    from solvers.registry import get_solver

    return get_solver(name).solve(**kwargs)


def agree(solved: Any, observed: Any) -> None:
    """Exact for integers and shapes, within 1e-12 for real values."""
    if isinstance(solved, tuple | list):
        assert len(solved) == len(observed)
        for a, b in zip(solved, observed, strict=True):
            agree(a, b)
    elif isinstance(solved, bool) or isinstance(observed, bool):
        assert solved == observed
    elif isinstance(solved, int) or (isinstance(solved, Fraction) and solved.denominator == 1):
        if isinstance(observed, int):
            assert solved == observed
        else:
            assert math.isclose(float(solved), observed, rel_tol=1e-12, abs_tol=1e-12)
    else:
        assert math.isclose(float(solved), float(observed), rel_tol=1e-12, abs_tol=1e-12), (
            solved,
            observed,
        )


def compare(solution: Any, run: Any, *facts: str) -> None:
    for fact in facts:
        agree(solution.fact(fact), run.facts[fact])


decimals = st.integers(-2000, 2000).map(lambda n: Fraction(n, 1000))
positive_rates = st.integers(1, 500).map(lambda n: Fraction(n, 1000))


@SETTINGS
@given(
    size=st.integers(1, 200),
    kernel=st.integers(1, 9),
    stride=st.integers(1, 5),
    padding=st.integers(0, 4),
    dilation=st.integers(1, 3),
)
def test_conv_out(size: int, kernel: int, stride: int, padding: int, dilation: int) -> None:
    assume(dilation * (kernel - 1) + 1 <= size + 2 * padding)
    args = dict(size=size, kernel=kernel, stride=stride, padding=padding, dilation=dilation)
    compare(solve("conv_out", **args), run_model("conv_shape", dims=1, **args), "size")


@SETTINGS
@given(
    size=st.integers(1, 120),
    kernel=st.integers(1, 6),
    stride=st.integers(1, 4),
    padding=st.integers(0, 3),
    ceil_mode=st.booleans(),
    mode=st.sampled_from(["max", "avg"]),
    dilation=st.integers(1, 3),
)
def test_pool_out(
    size: int, kernel: int, stride: int, padding: int, ceil_mode: bool, mode: str, dilation: int
) -> None:
    dilation = 1 if mode == "avg" else dilation
    assume(padding <= kernel // 2 and dilation * (kernel - 1) + 1 <= size + 2 * padding)
    args = dict(
        size=size,
        kernel=kernel,
        stride=stride,
        padding=padding,
        ceil_mode=ceil_mode,
        dilation=dilation,
    )
    compare(solve("pool_out", **args), run_model("pool_shape", mode=mode, **args), "size")


@SETTINGS
@given(
    size=st.integers(1, 40),
    kernel=st.integers(1, 6),
    stride=st.integers(1, 4),
    padding=st.integers(0, 3),
    output_padding=st.integers(0, 3),
    dilation=st.integers(1, 3),
)
def test_convt_out(
    size: int, kernel: int, stride: int, padding: int, output_padding: int, dilation: int
) -> None:
    assume(output_padding < max(stride, dilation))
    args = dict(
        size=size,
        kernel=kernel,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
    )
    try:
        run = run_model("convt_shape", **args)
    except ModelError:  # a non-positive size: the solver must refuse it too
        with pytest.raises(ValueError):
            solve("convt_out", **args)
        return
    compare(solve("convt_out", **args), run, "size")


@SETTINGS
@given(
    batch=st.integers(1, 4),
    channels=st.integers(1, 8),
    height=st.integers(4, 40),
    width=st.integers(4, 40),
    kernel=st.integers(1, 4),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    which=st.sampled_from(["conv2d_shape", "pool2d_shape", "convt2d_shape"]),
)
def test_2d_shapes(
    batch: int,
    channels: int,
    height: int,
    width: int,
    kernel: int,
    stride: int,
    padding: int,
    which: str,
) -> None:
    args: dict[str, Any] = dict(
        batch=batch, height=height, width=width, kernel=kernel, stride=stride, padding=padding
    )
    if which == "pool2d_shape":
        assume(padding <= kernel // 2)
        args["channels"] = channels
    else:
        args["out_channels"] = channels
    try:
        run = run_model(which, **args)
    except ModelError:  # e.g. an empty output: the solver must refuse it too
        with pytest.raises(ValueError):
            solve(which, **args)
        return
    compare(solve(which, **args), run, "shape")


def _window_layer() -> st.SearchStrategy[str]:
    conv = st.builds(
        lambda k, s, p, d: f"conv(k={k}, s={s}, p={p}, d={d})",
        st.integers(1, 7),
        st.integers(1, 3),
        st.integers(0, 3),
        st.integers(1, 2),
    )
    pool = st.builds(
        lambda kind, k, s, p: f"{kind}(k={k}, s={s}, p={min(p, k // 2)})",
        st.sampled_from(["maxpool", "avgpool"]),
        st.integers(1, 4),
        st.integers(1, 3),
        st.integers(0, 2),
    )
    return st.one_of(conv, pool, st.sampled_from(["relu()", "bn()", "dropout(p=0.5)"]))


@SETTINGS
@given(layers=st.lists(_window_layer(), min_size=1, max_size=6))
def test_receptive_field(layers: list[str]) -> None:
    text = "; ".join(layers)
    assume(any(not layer.startswith(("relu", "bn", "dropout")) for layer in layers))
    compare(
        solve("receptive_field", layers=text),
        run_model("receptive_field", layers=text),
        "rf",
        "stride",
        "padding",
    )


def _stack_layer() -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(
            lambda out, k, s, p, bias: f"conv(out={out}, k={k}, s={s}, p={p}, bias={bias})",
            st.integers(1, 6),
            st.integers(1, 3),
            st.integers(1, 2),
            st.integers(0, 1),
            st.sampled_from(["true", "false"]),
        ),
        st.sampled_from(["relu()", "bn()", "pool(k=2, s=2)", "avgpool(k=3, s=1, p=1)"]),
    )


@SETTINGS
@given(
    channels=st.integers(1, 4),
    size=st.integers(8, 32),
    layers=st.lists(_stack_layer(), min_size=1, max_size=5),
    head=st.integers(1, 10),
)
def test_layer_stack(channels: int, size: int, layers: list[str], head: int) -> None:
    text = "; ".join([f"conv(in={channels}, out=4, k=3, p=1)", *layers, "flatten()"])
    text += f"; linear(out={head})"
    try:
        run = run_model("layer_stack", layers=text, input=f"{channels}x{size}x{size}")
    except ModelError:  # the feature map shrank to nothing: the solver must refuse it too
        with pytest.raises(ValueError):
            solve("layer_stack", layers=text, input=f"{channels}x{size}x{size}")
        return
    solution = solve("layer_stack", layers=text, input=f"{channels}x{size}x{size}")
    compare(solution, run, "params", "output_shape", "layer_params")


@SETTINGS
@given(
    kind=st.sampled_from(["linear", "conv", "convt", "bn", "embedding", "rnn", "lstm", "gru"]),
    a=st.integers(1, 12),
    b=st.integers(1, 12),
    k=st.integers(1, 5),
    groups=st.integers(1, 3),
    flag=st.booleans(),
    layers=st.integers(1, 3),
    proj=st.integers(0, 4),
)
def test_param_counts(
    kind: str, a: int, b: int, k: int, groups: int, flag: bool, layers: int, proj: int
) -> None:
    bias = "true" if flag else "false"
    if kind == "linear":
        solution = solve("linear_params", in_features=a, out_features=b, bias=flag)
        layer = f"linear(in={a}, out={b}, bias={bias})"
    elif kind in ("conv", "convt"):
        c_in, c_out = a * groups, b * groups
        solution = solve(
            f"{kind}_params",
            in_channels=c_in,
            out_channels=c_out,
            kernel=k,
            groups=groups,
            bias=flag,
        )
        layer = f"{kind}(in={c_in}, out={c_out}, k={k}, groups={groups}, bias={bias})"
    elif kind == "bn":
        solution = solve("batchnorm_params", num_features=a)
        layer = f"bn(c={a})"
    elif kind == "embedding":
        solution = solve("embedding_params", num_embeddings=a, embedding_dim=b)
        layer = f"embedding(n={a}, d={b})"
    else:
        p = proj if kind == "lstm" and proj < b else 0
        solution = solve(
            "rnn_params",
            input_size=a,
            hidden_size=b,
            num_layers=layers,
            bidirectional=flag,
            bias=True,
            proj_size=p,
            cell=kind,
        )
        layer = f"{kind}(input={a}, hidden={b}, layers={layers}, bidirectional={bias}, proj={p})"
    run = run_model("param_count", layer=layer)
    compare(solution, run, "params")
    if kind == "bn":
        compare(solution, run, "buffers", "running_stats", "total_state")
    if kind in ("linear", "conv", "convt", "embedding"):
        compare(solution, run, "weight_shape")
    if kind in ("linear", "conv", "convt") and flag:
        compare(solution, run, "bias_shape")
    if kind in ("rnn", "lstm", "gru"):
        compare(solution, run, "gates")


@SETTINGS
@given(
    samples=st.integers(1, 5000),
    batch=st.integers(1, 600),
    drop_last=st.booleans(),
    epochs=st.integers(1, 20),
)
def test_iterations(samples: int, batch: int, drop_last: bool, epochs: int) -> None:
    args = dict(samples=samples, batch=batch, drop_last=drop_last, epochs=epochs)
    compare(
        solve("iterations", **args),
        run_model("dataloader_len", **args),
        "iterations_per_epoch",
        "total",
        "last_batch_size",
    )


@SETTINGS
@given(w=decimals, grad=decimals, lr=positive_rates, decay=st.sampled_from([0, Fraction(1, 10)]))
def test_sgd_step(w: Fraction, grad: Fraction, lr: Fraction, decay: Fraction) -> None:
    solution = solve("sgd_step", w=w, grad=grad, lr=lr, weight_decay=decay)
    run = run_model(
        "optimizer_step", optimizer="sgd", w=w, grads=str(float(grad)), lr=lr, weight_decay=decay
    )
    compare(solution, run, "w_new")


@SETTINGS
@given(w=decimals, grad=decimals, lr=positive_rates, momentum=st.sampled_from([0.5, 0.9, 0.99]))
def test_momentum_step(w: Fraction, grad: Fraction, lr: Fraction, momentum: float) -> None:
    mu = Fraction(str(momentum))
    solution = solve("momentum_step", w=w, grad=grad, lr=lr, momentum=mu)
    run = run_model(
        "optimizer_step", optimizer="momentum", w=w, grads=str(float(grad)), lr=lr, momentum=mu
    )
    compare(solution, run, "w_new", "velocity")


@SETTINGS
@given(
    w=decimals,
    grads=st.lists(decimals, min_size=1, max_size=5),
    lr=positive_rates,
    beta1=st.sampled_from([Fraction(9, 10), Fraction(1, 2)]),
    beta2=st.sampled_from([Fraction(999, 1000), Fraction(9, 10)]),
)
def test_adam_steps(
    w: Fraction, grads: list[Fraction], lr: Fraction, beta1: Fraction, beta2: Fraction
) -> None:
    text = ", ".join(str(float(g)) for g in grads)
    eps = Fraction(1, 10**8)
    solution = solve("adam_steps", w=w, grads=text, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    run = run_model(
        "optimizer_step", optimizer="adam", w=w, grads=text, lr=lr, beta1=beta1, beta2=beta2
    )
    compare(solution, run, "m", "v", "m_hat", "v_hat", "w_new")


@SETTINGS
@given(w=decimals, grad=decimals, lr=positive_rates)
def test_adam_first_step(w: Fraction, grad: Fraction, lr: Fraction) -> None:
    solution = solve("adam_step", w=w, grad=grad, lr=lr)
    run = run_model("optimizer_step", optimizer="adam", w=w, grads=str(float(grad)), lr=lr)
    compare(solution, run, "m", "v", "m_hat", "v_hat", "update", "w_new")


@SETTINGS
@given(w=decimals, grad=decimals, lr=positive_rates, alpha=st.sampled_from([0.9, 0.99]))
def test_rmsprop_step(w: Fraction, grad: Fraction, lr: Fraction, alpha: float) -> None:
    a = Fraction(str(alpha))
    solution = solve("rmsprop_step", w=w, grad=grad, lr=lr, alpha=a)
    run = run_model(
        "optimizer_step", optimizer="rmsprop", w=w, grads=str(float(grad)), lr=lr, alpha=a
    )
    compare(solution, run, "v", "w_new")


@SETTINGS
@given(
    w=decimals,
    grad=decimals,
    lr=positive_rates,
    decay=positive_rates,
    optimizer=st.sampled_from(["sgd", "adam"]),
)
def test_weight_decay_compare(
    w: Fraction, grad: Fraction, lr: Fraction, decay: Fraction, optimizer: str
) -> None:
    args = dict(w=w, grad=grad, lr=lr, decay=decay, optimizer=optimizer)
    solution = solve("weight_decay_compare", **args)
    compare(solution, run_model("weight_decay_compare", **args), "w_l2", "w_decoupled", "equal")


@SETTINGS
@given(logits=st.lists(decimals, min_size=2, max_size=6), data=st.data())
def test_softmax_and_cross_entropy(logits: list[Fraction], data: st.DataObject) -> None:
    target = data.draw(st.integers(0, len(logits) - 1))
    text = ", ".join(str(float(z)) for z in logits)
    run = run_model("softmax_ce", logits=text, target=target)
    agree(solve("cross_entropy", logits=text, target=target).fact("loss"), run.facts["loss"])
    agree(solve("softmax", logits=text, index=target).fact("prob"), run.facts["prob"])


@SETTINGS
@given(x=decimals, y=decimals, z=decimals)
def test_backprop(x: Fraction, y: Fraction, z: Fraction) -> None:
    graph = "a = x * y; b = a + z; c = sigmoid(b); f = max(c, a)"
    inputs = f"x={float(x)}, y={float(y)}, z={float(z)}"
    solution = solve("backprop", graph=graph, inputs=inputs)
    run = run_model("autograd_graph", graph=graph, inputs=inputs)
    compare(solution, run, "dx", "dy", "dz", "a", "b")


@SETTINGS
@given(values=st.lists(decimals, min_size=2, max_size=8), data=st.data())
def test_batchnorm_normalize(values: list[Fraction], data: st.DataObject) -> None:
    assume(len(set(values)) > 1)
    index = data.draw(st.integers(0, len(values) - 1))
    text = ", ".join(str(float(v)) for v in values)
    eps = Fraction(1, 10**5)
    solution = solve("batchnorm_normalize", values=text, index=index, eps=eps)
    run = run_model("batchnorm_modes", values=text, index=index, eps=eps)
    compare(solution, run, "mean", "var", "x_hat")


@SETTINGS
@given(p=st.integers(0, 95).map(lambda n: Fraction(n, 100)))
def test_dropout_scale(p: Fraction) -> None:
    run = run_model("dropout_modes", p=p, n=2000)
    agree(solve("dropout_scale", p=p).fact("scale"), run.facts["train_scale"])
