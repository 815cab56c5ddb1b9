"""PyTorch modules as Rojas networks, with torch autograd (float64) as the oracle of every parameter element.

Skipped when torch is missing, unless ROJAS_REQUIRE_TORCH is set (CI), where
a missing torch fails the run.
"""

import numpy as np
import pytest

import rojas
from importers_helpers import need

torch = need("torch")
nn = torch.nn

from rojas.importers.compare import named_gradients  # noqa: E402
from rojas.importers.torch_fx import import_torch  # noqa: E402

pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out


def _seeded():
    torch.manual_seed(20)


class Skip(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.skip = nn.Linear(3, 4), nn.Linear(4, 2), nn.Linear(3, 2, bias=False)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x))) + self.skip(x)


def test_a_skip_connection_agrees_with_autograd_and_folds_into_one_unit():
    _seeded()
    m = Skip()
    report = rojas.compare_with_torch(m, torch.randn(5, 3), torch.randn(5, 2), input_names=["x"], output_names=["y"])
    assert report.ok, report
    assert len(report.rows) == sum(p.numel() for p in m.parameters())
    net = rojas.from_torch(m, torch.randn(1, 3), input_names=["x"], output_names=["y"])
    assert len(net) == 3 + 4 + 2  # the two linear maps meet in the output units
    assert net.edge_name("x[2]", "y[1]") == "skip.weight[1,2]" and net.bias_param("y[0]") == "fc2.bias[0]"


class Convs(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(2, 4, 3, stride=2, padding=1, dilation=2, groups=2)
        self.c2 = nn.Conv2d(1, 2, (2, 3), stride=(1, 2), padding=(1, 0), dilation=(2, 1))
        self.out = nn.Linear(4 * 2 + 2 * 4 * 2, 2)

    def forward(self, a, b):
        h = torch.cat([torch.relu(self.c1(a)).flatten(1), torch.sigmoid(self.c2(b)).flatten(1)], dim=1)
        return self.out(h)


def test_convolutions_with_stride_padding_dilation_and_groups():
    _seeded()
    m = Convs()
    report = rojas.compare_with_torch(m, (torch.randn(3, 2, 6), torch.randn(3, 1, 4, 5)), torch.randn(3, 2),
                                      input_names=["a", "b"])
    assert report.ok, report
    net = rojas.from_torch(m, (torch.randn(1, 2, 6), torch.randn(1, 1, 4, 5)), input_names=["a", "b"])
    tied = [e for e in net.edges if net.edge_param(*e) == "c2.weight[1,0,1,2]"]
    assert len(tied) > 1  # one kernel entry, every position it slides over


class Twice(nn.Module):
    def __init__(self):
        super().__init__()
        self.shared = nn.Linear(3, 3)

    def forward(self, x):
        return self.shared(torch.tanh(self.shared(x)))


def test_a_module_used_twice_is_one_tied_param_per_element():
    _seeded()
    report = rojas.compare_with_torch(Twice(), torch.randn(4, 3), torch.randn(4, 3))
    assert report.ok, report
    net = rojas.from_torch(Twice(), torch.randn(1, 3))
    assert set(net.params) == {f"shared.weight[{i},{j}]" for i in range(3) for j in range(3)} | {
        f"shared.bias[{i}]" for i in range(3)}


class Pools(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv, self.bn = nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3)
        self.fc = nn.Linear(3 * 2 * 2 + 3, 2)

    def forward(self, x):
        h = torch.relu(self.bn(self.conv(x)))
        a = nn.functional.max_pool2d(h, 2).flatten(1)
        g = nn.functional.adaptive_avg_pool2d(h, 1).flatten(1)
        return self.fc(torch.cat([a, g], 1)) * 0.5 - 1.0


def _eval_bn(m):
    with torch.no_grad():
        m.bn.running_mean.uniform_(-0.5, 0.5)
        m.bn.running_var.uniform_(0.5, 2.0)
        m.bn.weight.uniform_(0.5, 1.5)
        m.bn.bias.uniform_(-0.5, 0.5)
    return m.eval()


def test_batch_norm_in_eval_mode_and_pooling():
    _seeded()
    m = _eval_bn(Pools())
    report = rojas.compare_with_torch(m, torch.randn(3, 1, 4, 4), torch.randn(3, 2))
    assert report.ok, report
    names = {r[0] for r in report.rows}
    assert {"bn.weight[2]", "bn.bias[0]"} <= names  # the scale and shift are params with gradients


def test_activations_with_other_slopes_and_a_learned_one():
    _seeded()
    m = nn.Sequential(nn.Linear(3, 4), nn.LeakyReLU(0.2), nn.Linear(4, 4), nn.ELU(0.5), nn.Linear(4, 3), nn.PReLU(3),
                      nn.SELU())
    report = rojas.compare_with_torch(m, torch.randn(5, 3), torch.randn(5, 3))
    assert report.ok, report
    assert {"5.weight[0]", "5.weight[2]"} <= {r[0] for r in report.rows}  # PReLU's slopes, with their gradients


def _onehot(n, classes):
    return torch.eye(classes)[torch.randint(0, classes, (n,))]


@pytest.mark.parametrize("ends_in_softmax", [True, False])
def test_a_softmax_classifier_with_cross_entropy(ends_in_softmax):
    _seeded()
    layers = [nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3)] + ([nn.Softmax(dim=1)] if ends_in_softmax else [])
    m = nn.Sequential(*layers)
    report = rojas.compare_with_torch(m, torch.randn(6, 4), _onehot(6, 3), "softmax_cross_entropy")
    assert report.ok, report
    net = rojas.from_torch(m, torch.randn(1, 4), objective="softmax_cross_entropy", output_names=["p"])
    assert net.objective == "softmax_cross_entropy" and net.fn("p[0]") == "identity"  # logits, softmax taken in
    assert not any(n.endswith(".sum") or ".exp[" in n for n in net.nodes)


def test_sigmoid_outputs_with_binary_cross_entropy():
    _seeded()
    m = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2), nn.Sigmoid())
    report = rojas.compare_with_torch(m, torch.randn(5, 3), torch.randint(0, 2, (5, 2)).float(),
                                      "binary_cross_entropy")
    assert report.ok, report


class Wrong(torch.autograd.Function):
    """tanh with the derivative 1 − tanh instead of 1 − tanh²: a custom backward with a slip."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.tanh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (1 - torch.tanh(x))


class Slipped(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Linear(2, 3), nn.Linear(3, 1)

    def forward(self, x):
        return self.b(Wrong.apply(self.a(x)))


def test_a_wrong_custom_backward_is_flagged_element_by_element():
    _seeded()
    report = rojas.compare_with_torch(Slipped(), torch.randn(4, 2), torch.randn(4, 1))
    assert not report.ok
    flagged = {name for name, _, _ in report.disagreements}
    assert flagged and all(n.startswith("a.") for n in flagged)  # b's gradient does not pass the slip
    assert "disagree" in str(report) and "a.weight[0,0]" in str(report)


def test_the_imported_gradients_are_autograd_s_in_float64():
    _seeded()
    m = Skip().double()
    x, t = torch.randn(4, 3, dtype=torch.float64), torch.randn(4, 2, dtype=torch.float64)
    imported = import_torch(m, x, input_names=["x"], output_names=["y"])
    feed = dict(zip(imported.inputs["x"].ravel().tolist(), x.numpy().T))
    goal = dict(zip(imported.outputs["y"].ravel().tolist(), t.numpy().T))
    ours = named_gradients(rojas.label(imported.network, feed, goal))
    (0.5 * ((m(x) - t) ** 2).sum()).backward()
    for name, p in m.named_parameters():
        for idx in np.ndindex(*p.shape):
            key = f"{name}[{','.join(map(str, idx))}]"
            assert ours[key] == pytest.approx(float(p.grad[idx]), rel=1e-12, abs=1e-14), key


@pytest.mark.slow
def test_onnx_export_without_optimization_keeps_batch_norm_and_every_name(tmp_path):
    need("onnxscript")
    _seeded()
    m = _eval_bn(Pools()).double()
    path = str(tmp_path / "pools.onnx")
    torch.onnx.export(m, (torch.zeros(1, 1, 4, 4, dtype=torch.float64),), path, input_names=["x"],
                      output_names=["y"], optimize=False, dynamo=True)
    net = rojas.from_onnx(path)  # cross-checked against the reference evaluator on the way
    assert "bn.weight[1]" in net.params and "bn.bias[2]" in net.params
    x, t = torch.randn(3, 1, 4, 4, dtype=torch.float64), torch.randn(3, 2, dtype=torch.float64)
    feed = {f"x[0,{i},{j}]": x[:, 0, i, j].numpy() for i in range(4) for j in range(4)}
    goal = {f"y[{k}]": t[:, k].numpy() for k in range(2)}
    ours = named_gradients(rojas.label(net, feed, goal))
    (0.5 * ((m(x) - t) ** 2).sum()).backward()
    for name, p in m.named_parameters():
        for idx in np.ndindex(*p.shape):
            key = f"{name}[{','.join(map(str, idx))}]"
            assert ours[key] == pytest.approx(float(p.grad[idx]), rel=1e-10, abs=1e-13), key


class Picks(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc, self.out = nn.Linear(3, 6), nn.Linear(9, 2)

    def forward(self, x):
        z = self.fc(x)
        a, b = z.chunk(2, dim=1)
        padded = nn.functional.pad(torch.tanh(b[:, 1:]), (1, 2), value=0.5)
        return self.out(torch.cat([a * torch.sigmoid(b), padded, z[:, 4:5] - z[:, 0:1]], dim=1))


def test_slicing_chunking_and_padding():
    _seeded()
    report = rojas.compare_with_torch(Picks(), torch.randn(4, 3), torch.randn(4, 2))
    assert report.ok, report
