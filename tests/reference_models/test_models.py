"""Each reference model against values known from PyTorch, the papers and the course."""

from __future__ import annotations

import math

import pytest

from reference_models.registry import run_model

pytestmark = pytest.mark.torch

VGG16_FEATURES = "; ".join(
    [
        "conv(in=3,out=64,k=3,p=1); relu(); conv(out=64,k=3,p=1); relu(); pool(k=2,s=2)",
        "conv(out=128,k=3,p=1); relu(); conv(out=128,k=3,p=1); relu(); pool(k=2,s=2)",
        *["conv(out=256,k=3,p=1); relu()"] * 3,
        "pool(k=2,s=2)",
        *["conv(out=512,k=3,p=1); relu()"] * 3,
        "pool(k=2,s=2)",
        *["conv(out=512,k=3,p=1); relu()"] * 3,
    ]
)
VGG16_CLASSIFIER = (
    "pool(k=2,s=2); flatten(); linear(out=4096); relu(); dropout(); linear(out=4096); relu(); "
    "dropout(); linear(out=1000)"
)
ALEXNET_TO_POOL5 = (
    "conv(k=11,s=4); pool(k=3,s=2); conv(k=5,p=2); pool(k=3,s=2); conv(k=3,p=1); "
    "conv(k=3,p=1); conv(k=3,p=1); pool(k=3,s=2)"
)


def test_edge_filter_gives_the_slides_output() -> None:
    run = run_model("edge_filter")
    assert run.facts["output"] == ((0, 30, 30, 0),) * 4
    assert run.facts["output_shape"] == (4, 4)


@pytest.mark.parametrize(
    ("params", "size"),
    [
        ({"size": 227, "kernel": 11, "stride": 4}, 55),  # AlexNet conv1
        ({"size": 224, "kernel": 3, "padding": 1}, 224),  # VGG "same" conv
        ({"size": 32, "kernel": 3, "dilation": 2}, 28),
        ({"size": 10, "kernel": 3, "stride": 2, "padding": 1, "dims": 1}, 5),
    ],
)
def test_conv_shape(params: dict[str, int], size: int) -> None:
    run = run_model("conv_shape", **params)
    assert run.facts["size"] == size
    assert run.facts["shape"][-1] == size


@pytest.mark.parametrize(
    ("params", "size"),
    [
        ({"size": 112, "kernel": 3, "stride": 2}, 55),
        ({"size": 112, "kernel": 3, "stride": 2, "ceil_mode": True}, 56),
        # ceil_mode drops a last window that would start in the right padding
        ({"size": 5, "kernel": 2, "stride": 2, "padding": 1, "ceil_mode": True}, 3),
        ({"size": 7, "kernel": 2, "mode": "avg", "ceil_mode": True}, 4),
    ],
)
def test_pool_shape(params: dict[str, object], size: int) -> None:
    assert run_model("pool_shape", **params).facts["size"] == size


def test_convt_shape_doubles_with_kernel_4_stride_2_padding_1() -> None:
    assert run_model("convt_shape", size=4, kernel=4, stride=2, padding=1).facts["size"] == 8


def test_2d_shapes_keep_batch_and_channels() -> None:
    conv = run_model(
        "conv2d_shape", batch=64, out_channels=96, height=227, width=227, kernel=11, stride=4
    )
    assert conv.facts["shape"] == (64, 96, 55, 55)
    pool = run_model("pool2d_shape", batch=8, channels=96, height=55, width=55, kernel=3, stride=2)
    assert pool.facts["shape"] == (8, 96, 27, 27)
    convt = run_model(
        "convt2d_shape", batch=2, out_channels=16, height=8, width=6, kernel=4, stride=2, padding=1
    )
    assert convt.facts["shape"] == (2, 16, 16, 12)


def test_layer_stack_vgg16_has_138_million_parameters() -> None:
    run = run_model(
        "layer_stack", layers=f"{VGG16_FEATURES}; {VGG16_CLASSIFIER}", input="N,3,224,224"
    )
    assert run.facts["params"] == 138_357_544
    assert run.facts["output_shape"] == (1000,)
    assert run.facts["output_shape_text"] == "(N, 1000)"
    assert any("meta device" in note for note in run.notes)


def test_layer_stack_alexnet_conv1_trace_and_table() -> None:
    run = run_model(
        "layer_stack",
        layers="conv(in=3,out=96,k=11,s=4); relu(); pool(k=3,s=2); bn(); flatten()",
        input="2x3x227x227",
    )
    assert [row.output_shape for row in run.trace] == [
        (2, 96, 55, 55),
        (2, 96, 55, 55),
        (2, 96, 27, 27),
        (2, 96, 27, 27),
        (2, 96 * 27 * 27),
    ]
    assert run.facts["layer_params"] == (34_944, 0, 0, 192, 0)
    assert run.facts["buffers"] == 193
    names = [row.name for row in run.params_table]
    assert names[:2] == ["1.conv.weight", "1.conv.bias"]
    assert "4.bn.running_var" in names


@pytest.mark.parametrize(
    ("layers", "rf", "stride"),
    [
        ("conv(k=3); conv(k=3); conv(k=3)", 7, 1),
        (ALEXNET_TO_POOL5, 195, 32),
        (VGG16_FEATURES, 196, 16),  # conv5_3
        (f"{VGG16_FEATURES}; pool(k=2,s=2)", 212, 32),  # pool5
        ("conv(k=3,d=2); relu(); bn(); maxpool(k=2,s=2,d=2)", 7, 2),
    ],
)
def test_receptive_field(layers: str, rf: int, stride: int) -> None:
    run = run_model("receptive_field", layers=layers)
    assert (run.facts["rf"], run.facts["stride"]) == (rf, stride)


def test_receptive_field_effective_padding() -> None:
    assert (
        run_model("receptive_field", layers="conv(k=3,p=1); pool(k=2,s=2); conv(k=3,p=1)").facts[
            "padding"
        ]
        == 1 + 0 + 1 * 2
    )


@pytest.mark.parametrize(
    ("layer", "params", "buffers"),
    [
        ("conv(in=3,out=96,k=11)", 34_944, 0),
        ("conv(in=32,out=32,k=3,groups=32)", 32 * 9 + 32, 0),
        ("convt(in=16,out=8,k=4,bias=false)", 16 * 8 * 16, 0),
        ("linear(in=4096,out=1000)", 4_097_000, 0),
        ("bn(c=96)", 192, 193),
        ("embedding(n=10000,d=300)", 3_000_000, 0),
        # 2 layers x 2 directions x (4*256*(in + 256) + 2*4*256); layer 2 sees 512 inputs
        ("lstm(input=100,hidden=256,layers=2,bidirectional=true)", 2_310_144, 0),
        ("gru(input=10,hidden=20)", 3 * 20 * (10 + 20) + 2 * 3 * 20, 0),
        ("rnn(input=10,hidden=20,bias=false)", 20 * (10 + 20), 0),
        ("lstm(input=10,hidden=20,proj=5)", 4 * 20 * (10 + 5) + 2 * 4 * 20 + 5 * 20, 0),
    ],
)
def test_param_count(layer: str, params: int, buffers: int) -> None:
    run = run_model("param_count", layer=layer)
    assert run.facts["params"] == params
    assert run.facts["buffers"] == buffers
    assert sum(row.count for row in run.params_table if row.trainable) == params


def test_param_count_shapes_and_gates() -> None:
    conv = run_model("param_count", layer="convt(in=16,out=8,k=4)")
    assert conv.facts["weight_shape"] == (16, 8, 4, 4)  # ConvTranspose: (in, out/groups, k, k)
    assert conv.facts["bias_shape"] == (8,)
    assert run_model("param_count", layer="lstm(input=3,hidden=5)").facts["gates"] == 4
    assert run_model("param_count", layer="gru(input=3,hidden=5)").facts["gates"] == 3


@pytest.mark.parametrize(
    ("samples", "batch", "drop_last", "per_epoch", "last"),
    [(50_000, 64, False, 782, 16), (50_000, 64, True, 781, 64), (2000, 500, False, 4, 500)],
)
def test_dataloader_len(
    samples: int, batch: int, drop_last: bool, per_epoch: int, last: int
) -> None:
    run = run_model("dataloader_len", samples=samples, batch=batch, drop_last=drop_last, epochs=10)
    assert run.facts["iterations_per_epoch"] == per_epoch
    assert run.facts["total"] == 10 * per_epoch
    assert run.facts["last_batch_size"] == last


@pytest.mark.parametrize("grad", [0.5, -3.0, 0.05, 100.0])
def test_adam_first_step_moves_by_lr_times_sign(grad: float) -> None:
    run = run_model("optimizer_step", optimizer="adam", w=1.0, grads=str(grad), lr=0.01)
    assert run.facts["w_new"] == pytest.approx(1.0 - 0.01 * math.copysign(1, grad), abs=1e-8)
    assert run.facts["m_hat"] == pytest.approx(grad, rel=1e-12)
    assert run.facts["v_hat"] == pytest.approx(grad**2, rel=1e-12)


def test_momentum_buffer_accumulates_gradients() -> None:
    run = run_model("optimizer_step", optimizer="momentum", w=1.0, grads="0.5, -0.1", lr=0.1)
    assert run.facts["velocity"] == pytest.approx(0.9 * 0.5 - 0.1, abs=1e-15)
    assert run.facts["w_new"] == pytest.approx(1.0 - 0.1 * 0.5 - 0.1 * 0.35, abs=1e-15)


def test_sgd_and_rmsprop_steps() -> None:
    sgd = run_model("optimizer_step", optimizer="sgd", w=2.0, grads="1", lr=0.1, weight_decay=0.5)
    assert sgd.facts["w_new"] == pytest.approx(2.0 - 0.1 * (1 + 0.5 * 2.0), abs=1e-15)
    rms = run_model("optimizer_step", optimizer="rmsprop", w=1.0, grads="2", lr=0.01)
    v = 0.01 * 4
    assert rms.facts["v"] == pytest.approx(v, rel=1e-12)
    assert rms.facts["w_new"] == pytest.approx(1.0 - 0.01 * 2 / (math.sqrt(v) + 1e-8), rel=1e-12)


def test_weight_decay_equals_l2_only_for_sgd() -> None:
    sgd = run_model("weight_decay_compare", w=1.0, grad=0.5, lr=0.1, decay=0.01)
    assert sgd.facts["equal"] is True
    assert sgd.facts["w_l2"] == pytest.approx(1.0 - 0.1 * (0.5 + 0.01), abs=1e-15)
    adam = run_model("weight_decay_compare", w=1.0, grad=0.5, lr=0.1, decay=0.01, optimizer="adam")
    assert adam.facts["equal"] is False
    assert adam.facts["w_decoupled"] == pytest.approx(1.0 - 0.1 * 0.01 - 0.1, abs=1e-7)


def test_batchnorm_is_affine_only_in_eval_mode() -> None:
    run = run_model("batchnorm_modes", values="1, 2, 3, 6", index=0)
    assert (run.facts["mean"], run.facts["var"]) == (3.0, 3.5)
    assert run.facts["x_hat"] == pytest.approx((1 - 3) / math.sqrt(3.5 + 1e-5), rel=1e-12)
    assert run.facts["train_affine"] is False
    assert run.facts["eval_affine"] is True
    assert run.facts["running_mean"] == pytest.approx(0.3)
    assert run.facts["running_var"] == pytest.approx(0.9 + 0.1 * 14 / 3)  # unbiased: 14/3


def test_dropout_scales_kept_units_in_training_only() -> None:
    run = run_model("dropout_modes", p=0.25)
    assert run.facts["train_scale"] == pytest.approx(1 / 0.75)
    assert run.facts["eval_identity"] is True
    assert abs(run.facts["kept_fraction"] - 0.75) < 0.03


def test_conv_is_equivariant_and_gap_invariant() -> None:
    run = run_model("conv_equivariance", shift=3)
    assert run.facts["equivariant"] is True
    assert run.facts["gap_invariant"] is True
    assert run.facts["flatten_invariant"] is False


def test_softmax_cross_entropy_and_its_gradient() -> None:
    run = run_model("softmax_ce", logits="2, 1, 0.1", target=1)
    exps = [math.exp(z) for z in (2, 1, 0.1)]
    probs = [e / sum(exps) for e in exps]
    assert run.facts["probs"] == pytest.approx(probs, rel=1e-12)
    assert run.facts["loss"] == pytest.approx(-math.log(probs[1]), rel=1e-12)
    assert run.facts["grad_logits"] == pytest.approx([probs[0], probs[1] - 1, probs[2]], rel=1e-12)


def test_autograd_graph_of_the_lecture_example() -> None:
    run = run_model(
        "autograd_graph", graph="a = x * y; b = a + z; f = max(b, 0)", inputs="x=1, y=-2, z=3"
    )
    assert run.facts["value"] == 1.0
    assert (run.facts["dx"], run.facts["dy"], run.facts["dz"]) == (-2.0, 1.0, 1.0)
    relu_off = run_model("autograd_graph", graph="b = x + y\nf = max(b, 0)", inputs="x=1, y=-3")
    assert (relu_off.facts["value"], relu_off.facts["dx"]) == (0.0, 0.0)
    tie = run_model("autograd_graph", graph="f = max(x, 0)", inputs="x=0")
    assert tie.facts["dx"] == 0.5  # torch.maximum splits a tie


def test_sentiment_model_counts_every_part() -> None:
    run = run_model("sentiment_model", cell="lstm", batch=3, seq_len=7)
    assert run.facts["embedding_params"] == 3_000_000
    assert run.facts["rnn_params"] == 4 * 256 * (300 + 256) + 2 * 4 * 256
    assert run.facts["linear_params"] == 256 * 2 + 2
    assert run.facts["output_shape"] == (3, 2)
    bi = run_model("sentiment_model", cell="gru", bidirectional=True, hidden=8, embed=4, vocab=50)
    assert bi.facts["linear_params"] == 16 * 2 + 2


def test_unet_keeps_the_input_resolution() -> None:
    run = run_model("unet_small", size=32, depth=2, base=4)
    assert run.facts["output_shape"] == (1, 23, 32, 32)
    assert run.facts["skip_shapes"] == ((1, 4, 32, 32), (1, 8, 16, 16))
    assert run.facts["bottleneck_shape"] == (1, 16, 8, 8)


def test_mobilenetv2_reproduces_the_exercise_10_feature_shapes() -> None:
    run = run_model("mobilenetv2_small", width=1.0, size=240)
    stages = run.facts["stage_shapes"]
    # Exercise 10 slides: 1:(16,120) 3:(24,60) 6:(32,30) 10:(64,15) 13:(96,15) 16:(160,8)
    # 17:(320,8) 18:(1280,8)
    expected = {1: (16, 120), 3: (24, 60), 6: (32, 30), 10: (64, 15), 13: (96, 15),
                16: (160, 8), 17: (320, 8), 18: (1280, 8)}  # fmt: skip
    assert {i: stages[i][:2] for i in expected} == expected
    assert run.facts["params"] == 2_223_872  # torchvision mobilenet_v2().features
    assert run.facts["output_stride"] == 32
    small = run_model("mobilenetv2_small")
    assert small.facts["output_shape"] == (1, 1280, 2, 2)
