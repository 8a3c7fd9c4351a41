"""Parameter and buffer counts of one layer, read from the torch module itself."""

from __future__ import annotations

import torch
from torch import nn

from reference_models.common import (
    count_buffers,
    count_params,
    param_rows,
    require,
    shape_of,
)
from reference_models.cost import MAX_PARAMS
from reference_models.layers import build_layer, parse
from reference_models.run import Fact, Run, TraceRow


def _tensor_shape(module: nn.Module, *names: str) -> tuple[int, ...]:
    state = dict(module.named_parameters())
    for name in names:
        if name in state:
            return shape_of(state[name])
    return ()


def param_count(layer: str) -> Run:
    parsed = parse(layer)
    require(len(parsed) == 1, f"param_count: give one layer, got {len(parsed)}")
    (spec,) = parsed
    with torch.device("meta"):
        module = build_layer(spec, None)
    if count_params(module) <= MAX_PARAMS:
        torch.manual_seed(0)
        module = build_layer(spec, None)
    inner = getattr(module, "rnn", module)
    params = count_params(module)
    buffers = count_buffers(module)
    facts: dict[str, Fact] = {
        "params": params,
        "buffers": buffers,
        "total_state": params + buffers,
        "weight_shape": _tensor_shape(inner, "weight", "weight_ih_l0"),
        "bias_shape": _tensor_shape(inner, "bias", "bias_ih_l0"),
    }
    notes = [f"{inner}"]
    if isinstance(inner, nn.RNNBase):
        gates = _tensor_shape(inner, "weight_ih_l0")[0] // inner.hidden_size
        facts["gates"] = gates
        per_direction = sum(
            p.numel() for name, p in inner.named_parameters() if name.endswith("_l0")
        )
        facts["layer0_params"] = per_direction * (2 if inner.bidirectional else 1)
        notes.append(
            f"{gates} gate(s); each layer and direction has weight_ih, weight_hh and two bias "
            "vectors b_ih, b_hh"
        )
    if isinstance(inner, nn.modules.batchnorm._BatchNorm):
        facts["running_stats"] = sum(
            b.numel() for name, b in inner.named_buffers() if name.startswith("running_")
        )
        notes.append(
            "gamma and beta are learnable; running_mean, running_var and num_batches_tracked "
            "are buffers (state, not parameters)"
        )
    table = param_rows(inner)
    trace = [TraceRow(str(inner), (), params)]
    return Run("param_count", facts, trace=trace, params_table=table, notes=notes)
