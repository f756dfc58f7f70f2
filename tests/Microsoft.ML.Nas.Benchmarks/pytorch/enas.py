"""PyTorch side of the ENAS benchmark: the same spaces (macro: 6 layers of 16 filters; micro: 3 layers, 5 nodes,
8 channels, no auxiliary head), controller, child step and controller step (20 aggregated reward batches) as
EnasBenchmark.cs, written from ENAS's semantics (NNI v1 enas mutator and trainer), for a side-by-side ratio on the same
machine and minute. Needs python3-torch (Debian: apt-get install python3-torch).

    /usr/bin/python3 tests/Microsoft.ML.Nas.Benchmarks/pytorch/enas.py --config macro-cifar [--warmup 20] [--steps 200] [--threads 2]
"""
import argparse
import resource
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn

from plain_cnn import REPO, read_idx

CONFIGS = {  # name: (micro, sample shape, real digits, batch)
    "macro-cifar": (False, (3, 32, 32), False, 32),
    "micro-cifar": (True, (3, 32, 32), False, 32),
    "macro-mnist": (False, (1, 28, 28), True, 64),
    "micro-mnist": (True, (1, 28, 28), True, 64),
}


class LayerChoice(nn.Module):
    def __init__(self, key, candidates):
        super().__init__()
        self.key, self.candidates, self.mask = key, nn.ModuleList(candidates), None

    def forward(self, x):
        outputs = [c(x) for c, m in zip(self.candidates, self.mask) if m]
        return outputs[0] if len(outputs) == 1 else sum(outputs)


class InputChoice(nn.Module):
    def __init__(self, key, choose_from, n_chosen):
        super().__init__()
        self.key, self.choose_from, self.n_chosen, self.mask = key, choose_from, n_chosen, None

    def forward(self, inputs):
        chosen = [x for x, m in zip(inputs, self.mask) if m]
        return sum(chosen) if chosen else None


class Scope(nn.Module):
    def __init__(self, key):
        super().__init__()
        self.key = key


def std_conv(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout, affine=False), nn.ReLU())


def separable(c, k):
    return nn.Sequential(nn.Conv2d(c, c, k, padding=k // 2, groups=c, bias=False), nn.Conv2d(c, c, 1, bias=False))


def pool(kind):
    return nn.MaxPool2d(3, 1, 1) if kind == "max" else nn.AvgPool2d(3, 1, 1, count_include_pad=False)


def macro_op(name, c):
    if name.endswith("pool"):
        return nn.Sequential(std_conv(c, c), pool(name[:3]), nn.BatchNorm2d(c, affine=False))
    k = 3 if "3" in name else 5
    conv = separable(c, k) if name.startswith("sep") else nn.Conv2d(c, c, k, padding=k // 2, bias=False)
    return nn.Sequential(std_conv(c, c), conv, nn.BatchNorm2d(c, affine=False), nn.ReLU())


def micro_op(name, c):
    if name.endswith("pool"):
        return pool(name[:3])
    if name == "identity":
        return nn.Identity()
    return nn.Sequential(nn.ReLU(), separable(c, 3 if "3" in name else 5), nn.BatchNorm2d(c))


class FactorizedReduce(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a, self.b = nn.Conv2d(cin, cout // 2, 1, 2, bias=False), nn.Conv2d(cin, cout // 2, 1, 2, bias=False)
        self.bn = nn.BatchNorm2d(cout, affine=False)

    def forward(self, x):
        shifted = F.pad(x[:, :, 1:, 1:], (0, x.size(3) % 2, 0, x.size(2) % 2))
        return self.bn(torch.cat([self.a(x), self.b(shifted)], 1))


MACRO_OPS = ["conv3x3", "sepconv3x3", "conv5x5", "sepconv5x5", "avgpool", "maxpool"]
MICRO_OPS = ["sepconv3x3", "sepconv5x5", "avgpool", "maxpool", "identity"]


class MacroLayer(Scope):
    def __init__(self, i, c):
        super().__init__(f"layer_{i}")
        self.op = LayerChoice(f"layer_{i}_op", [macro_op(n, c) for n in MACRO_OPS])
        self.skip = InputChoice(f"layer_{i}_skip", [f"layer_{j}" for j in range(i)], None) if i > 0 else None
        self.bn = nn.BatchNorm2d(c, affine=False)

    def forward(self, previous, earlier):
        out = self.op(previous)
        extra = self.skip(earlier) if self.skip is not None else None
        return self.bn(out if extra is None else out + extra)


class MacroNet(nn.Module):
    def __init__(self, layers, c, cin, classes):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(cin, c, 3, padding=1, bias=False), nn.BatchNorm2d(c))
        self.layers = nn.ModuleList([MacroLayer(i, c) for i in range(layers)])
        d = layers // 3
        self.after = [d - 1, 2 * d - 1] if d > 0 else []
        self.reductions = nn.ModuleList([FactorizedReduce(c, c) for _ in self.after])
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        cur, outs = self.stem(x), []
        for i, layer in enumerate(self.layers):
            cur = layer(cur, outs)
            outs.append(cur)
            if i in self.after:
                outs = [self.reductions[self.after.index(i)](o) for o in outs]
                cur = outs[-1]
        return self.fc(F.adaptive_avg_pool2d(cur, 1).flatten(1))


class Branch(nn.Module):
    def __init__(self, name, choose_from, c):
        super().__init__()
        self.input = InputChoice(name + "_input", choose_from, 1)
        self.op = LayerChoice(name + "_op", [micro_op(n, c) for n in MICRO_OPS])

    def forward(self, inputs):
        return self.op(self.input(inputs)), self.input.mask


class Node(Scope):
    def __init__(self, key, choose_from, c):
        super().__init__(key)
        self.x, self.y = Branch(key + "_x", choose_from, c), Branch(key + "_y", choose_from, c)

    def forward(self, inputs):
        (a, ma), (b, mb) = self.x(inputs), self.y(inputs)
        return a + b, [p or q for p, q in zip(ma, mb)]


class Cell(nn.Module):
    def __init__(self, nodes, cpp, cp, c, reduce):
        super().__init__()
        self.pre0 = std_conv(cpp, c) if cpp != c else nn.Identity()
        self.pre1 = std_conv(cp, c) if cp != c else nn.Identity()
        prefix, labels = "reduce" if reduce else "normal", ["", ""]
        self.nodes = nn.ModuleList()
        for i in range(nodes):
            self.nodes.append(Node(f"{prefix}_node_{i}", list(labels), c))
            labels.append(f"{prefix}_node_{i}")
        self.w = nn.Parameter(nn.init.kaiming_normal_(torch.empty(c, nodes + 2, c, 1, 1)))
        self.bn, self.c = nn.BatchNorm2d(c, affine=False), c

    def forward(self, pp, p):
        outs, used = [self.pre0(pp), self.pre1(p)], [False] * (len(self.nodes) + 2)
        for node in self.nodes:
            out, mask = node(outs)
            used = [u or (i < len(mask) and mask[i]) for i, u in enumerate(used)]
            outs.append(out)
        loose = [i for i, u in enumerate(used) if not u]
        w = self.w[:, loose].reshape(self.c, len(loose) * self.c, 1, 1)
        return p, self.bn(F.conv2d(F.relu(torch.cat([outs[i] for i in loose], 1)), w))


class Stage(nn.Module):
    def __init__(self, nodes, cpp, cp, c, reduce):
        super().__init__()
        self.r0 = FactorizedReduce(cpp, c) if reduce else None
        self.r1 = FactorizedReduce(cp, c) if reduce else None
        self.cell = Cell(nodes, c if reduce else cpp, c if reduce else cp, c, reduce)

    def forward(self, pp, p):
        return self.cell(self.r0(pp), self.r1(p)) if self.r0 is not None else self.cell(pp, p)


class MicroNet(nn.Module):
    def __init__(self, layers, nodes, c, cin, classes):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(cin, 3 * c, 3, padding=1, bias=False), nn.BatchNorm2d(3 * c))
        d, stages, cpp, cp, cur = layers // 3, [], 3 * c, 3 * c, c
        for s in range(layers + 2):
            reduce = s in (d, 2 * d + 1)
            cur = cp * 2 if reduce else cur
            stages.append(Stage(nodes, cpp, cp, cur, reduce))
            cpp, cp = (cur if reduce else cp), cur
        self.stages, self.fc = nn.ModuleList(stages), nn.Linear(cur, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)

    def forward(self, x):
        pp = p = self.stem(x)
        for stage in self.stages:
            pp, p = stage(pp, p)
        return self.fc(F.adaptive_avg_pool2d(F.relu(p), 1).flatten(1))


def walk(module, events):
    """Registration-order events: ("layer", m), ("input", m), ("exit", key)."""
    for child in module.children():
        if isinstance(child, LayerChoice):
            events.append(("layer", child))
        elif isinstance(child, InputChoice):
            events.append(("input", child))
        walk(child, events)
        if isinstance(child, Scope):
            events.append(("exit", child.key))
    return events


class Controller(nn.Module):
    def __init__(self, model, tanh, cell_exit_extra_step, size=64, skip_target=0.4, branch_bias=0.25):
        super().__init__()
        self.events = walk(model, [])
        k = len(next(m for kind, m in self.events if kind == "layer").candidates)
        self.lstm = nn.LSTMCell(size, size, bias=False)
        self.anchor, self.query = nn.Linear(size, size, bias=False), nn.Linear(size, size, bias=False)
        self.v, self.soft, self.embedding = nn.Linear(size, 1, bias=False), nn.Linear(size, k, bias=False), nn.Embedding(k, size)
        self.g = nn.Parameter(torch.randn(1, size) * 0.1)
        self.tanh, self.extra, self.size = tanh, cell_exit_extra_step, size
        self.targets = torch.tensor([1 - skip_target, skip_target])
        self.bias = torch.tensor([branch_bias if "conv" in n else -branch_bias for n in MICRO_OPS + ["x"] * 6][:k])

    def sample(self):
        h = c = torch.zeros(1, self.size)
        inputs, anchors, chosen = self.g, {}, {}
        log_prob = entropy = skip_penalty = 0

        def step():
            nonlocal h, c
            h, c = self.lstm(inputs, (h, c))

        for kind, item in self.events:
            if kind == "exit":
                if item not in anchors:
                    if self.extra:
                        step()
                    anchors[item] = h
                continue
            if item.key in chosen:
                item.mask = chosen[item.key]
                continue
            if kind == "layer":
                step()
                logits = self.tanh * torch.tanh(self.soft(h))
                if "reduce" in item.key:
                    logits = logits + self.bias
                logp = F.log_softmax(logits, -1).view(-1)
                index = torch.multinomial(logp.exp(), 1).item()
                inputs, mask = self.embedding.weight[index].view(1, -1), [i == index for i in range(len(logp))]
                terms = logp[index]
            else:
                keys = [label if label else f"\0{i}" for i, label in enumerate(item.choose_from)]
                for key in keys:
                    if key not in anchors:
                        step()
                        anchors[key] = h
                stacked = torch.cat([anchors[key] for key in keys])
                scores = self.tanh * torch.tanh(self.v(torch.tanh(self.anchor(stacked) + self.query(h))))
                if item.n_chosen == 1:
                    logp = F.log_softmax(scores.view(-1), 0)
                    index = torch.multinomial(logp.exp(), 1).item()
                    inputs, mask, terms = stacked[index].view(1, -1), [i == index for i in range(len(keys))], logp[index]
                else:
                    logits = torch.cat([-scores, scores], 1)
                    logp = F.log_softmax(logits, 1)
                    keep = torch.multinomial(logp.exp(), 1).view(-1)
                    probs = torch.sigmoid(logits)
                    skip_penalty = skip_penalty + (probs * torch.log(probs / self.targets)).sum()
                    terms = logp.gather(1, keep.view(-1, 1)).view(-1)
                    inputs = (keep.float().view(1, -1) @ stacked) / (1 + keep.sum())
                    mask = [bool(k) for k in keep.tolist()]
            log_prob = log_prob + terms.sum()
            entropy = entropy + (-terms * terms.exp()).detach().sum()
            chosen[item.key] = item.mask = mask
        return log_prob, entropy, skip_penalty


def images(digits, shape, count):
    """The first `count` embedded digits, or CIFAR-shaped noise with uniform labels (times depend on shapes only)."""
    if digits:
        pixels = read_idx(REPO / "data/mnist/digits-images-idx3-ubyte.gz")[:count]
        labels = read_idx(REPO / "data/mnist/digits-labels-idx1-ubyte.gz")[:count]
        return (pixels.float() / 255).reshape(count, *shape), labels.long()
    return torch.randn(count, *shape), torch.randint(0, 10, (count,))


def data(config, count):
    _, shape, digits, _ = CONFIGS[config]
    return images(digits, shape, count)


def measure(step, warmup, steps):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="macro-cifar", choices=sorted(CONFIGS))
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    micro, shape, _, batch = CONFIGS[args.config]
    x, y = data(args.config, batch * 40)
    split = len(y) - len(y) // 10
    model = MicroNet(3, 5, 8, shape[0], 10) if micro else MacroNet(6, 16, shape[0], 10)
    controller = Controller(model, 1.1 if micro else 1.5, micro)
    sgd = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    adam = torch.optim.Adam(controller.parameters(), lr=3.5e-4)
    position = {"child": 0, "reward": 0}
    baseline = [0.0]

    def batch_of(name, lo, hi):
        n = (hi - lo) // batch
        i = lo + (position[name] % n) * batch
        position[name] += 1
        return x[i:i + batch], y[i:i + batch]

    def child_step():
        with torch.no_grad():
            controller.sample()
        features, labels = batch_of("child", 0, split)
        sgd.zero_grad()
        loss = F.cross_entropy(model(features), labels)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        sgd.step()

    def controller_step():
        model.eval()
        for _ in range(20):
            log_prob, entropy, skip = controller.sample()
            features, labels = batch_of("reward", split, len(y))
            with torch.no_grad():
                reward = (model(features).argmax(1) == labels).float().mean().item()
            reward += 1e-4 * float(entropy)
            baseline[0] = 0.999 * baseline[0] + 0.001 * reward
            loss = -log_prob * (reward - baseline[0]) + 0.8 * skip
            (loss / 20).backward()
        nn.utils.clip_grad_norm_(controller.parameters(), 5.0)
        adam.step()
        adam.zero_grad()
        model.train()

    model.train()
    child = measure(child_step, args.warmup, max(args.steps, 30))
    ctrl = measure(controller_step, 3, max(args.steps // 5, 30))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {args.config}: child median {statistics.median(child):.2f} ms; controller median {statistics.median(ctrl):.2f} ms")
    print(f"RESULT pytorch config={args.config} child_ms={statistics.median(child):.1f} controller_ms={statistics.median(ctrl):.0f} peak_rss_mib={peak:.0f}")


if __name__ == "__main__":
    main()
