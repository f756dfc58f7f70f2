"""PyTorch side of the DARTS-family step benchmark (DARTS first and second order, GDAS, PC-DARTS), for a side-by-side
ratio measured in the same minute as `darts|gdas|pc-darts --config ...` of the C# benchmark. The network follows NNI v1's
DARTS CNN (ops, cells, keys, stem 3C, reductions at n/3 and 2n/3, search BNs without affine) and the DARTS step follows
NNI v1's DartsTrainer: an architecture step (full backward of the validation loss, Adam 3e-4, betas (0.5, 0.999), wd
1e-3), then a weight step (SGD 0.025, momentum 0.9, wd 3e-4, clip 5). Second order replaces the architecture step's
gradient by the paper's: a virtual SGD step w' (with momentum and weight decay) on the training batch, gradients of the
validation loss at w', and the finite-difference Hessian-vector product at w ± eps·dw (eps = 0.01 / |dw|).

GDAS (Dong and Yang 2019, as its authors' code runs it): the weight step first, then the architecture step; each forward
draws one hard Gumbel-softmax sample per key (softmax((log_softmax(alpha) + g) / tau), tau = 10, the first epoch of the
schedule; 7 alphas, no "none"), runs only the sampled op of each edge and multiplies its output by the sample's
straight-through weight (exactly 1 forward, the soft sample's gradient backward); a node sums its edges. NNI v2's
GumbelDARTS instead runs every op, weighted by the Gumbel-softmax sample: DARTS's time. PC-DARTS (Xu et al. 2020): DARTS's first
order step on edges whose ops see the first C/K channels (K = 4), the rest bypassed (max-pooled 2x2 on a reducing edge),
concatenated and channel-shuffled in K groups; a node weighs its edges by softmax(beta). Both as our C# strategies run
them; written from those semantics, not copied.

    /usr/bin/python3 tests/Microsoft.ML.Nas.Benchmarks/pytorch/darts_step.py [--strategy darts|gdas|pc-darts] --config mnist-first
        [--warmup 1] [--steps 5] [--threads 2] [--device cpu|cuda]

On cuda the data lives on the device and each timed step is synchronized before and after, as the C# device check times
its steps (tests/Microsoft.ML.Nas.DeviceCheck).
"""
import argparse
import resource
import statistics
import time

import torch
from torch import nn
import torch.nn.functional as F

CONFIGS = {"cifar-first": (3, 32, 8, 5, 32, False), "mnist-first": (1, 28, 8, 3, 64, False),
           "cifar-second": (3, 32, 8, 5, 32, True), "mnist-second": (1, 28, 8, 3, 64, True)}
LR, MOMENTUM, WD = 0.025, 0.9, 3e-4
PARTIAL_CHANNELS, GDAS_TAU = 4, 10.0


class ReluConvBn(nn.Sequential):
    def __init__(self, cin, cout, k=1, stride=1, pad=0):
        super().__init__(nn.ReLU(), nn.Conv2d(cin, cout, k, stride, pad, bias=False), nn.BatchNorm2d(cout, affine=False))


class DilConv(nn.Sequential):
    def __init__(self, c, k, stride, dilation):
        pad = dilation * (k - 1) // 2
        super().__init__(nn.ReLU(), nn.Conv2d(c, c, k, stride, pad, dilation=dilation, groups=c, bias=False),
                         nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c, affine=False))


class SepConv(nn.Sequential):
    def __init__(self, c, k, stride):
        super().__init__(DilConv(c, k, stride, 1), DilConv(c, k, 1, 1))


class PoolBn(nn.Module):
    def __init__(self, kind, c, stride):
        super().__init__()
        self.pool = nn.MaxPool2d(3, stride, 1) if kind == "max" else nn.AvgPool2d(3, stride, 1, count_include_pad=False)
        self.bn = nn.BatchNorm2d(c, affine=False)

    def forward(self, x):
        return self.bn(self.pool(x))


class FactorizedReduce(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout // 2, 1, 2, bias=False)
        self.c2 = nn.Conv2d(cin, cout // 2, 1, 2, bias=False)
        self.bn = nn.BatchNorm2d(cout, affine=False)

    def forward(self, x):
        x = F.relu(x)
        return self.bn(torch.cat([self.c1(x), self.c2(x[:, :, 1:, 1:])], 1))


def ops(c, stride):
    return nn.ModuleList([PoolBn("max", c, stride), PoolBn("avg", c, stride),
                          nn.Identity() if stride == 1 else FactorizedReduce(c, c),
                          SepConv(c, 3, stride), SepConv(c, 5, stride), DilConv(c, 3, stride, 2), DilConv(c, 5, stride, 2)])


def channel_shuffle(x, groups):
    n, c, h, w = x.shape
    return x.view(n, groups, c // groups, h, w).transpose(1, 2).reshape(n, c, h, w)


class Cell(nn.Module):
    """Edges from every earlier state to each node; `decisions` (a plain object, not a module, shared by the network's
    cells) holds what each key runs in the current forward."""

    def __init__(self, nodes, cpp, cp, c, reduction_p, reduction, decisions, prefix, k=1):
        super().__init__()
        self.pre0 = FactorizedReduce(cpp, c) if reduction_p else ReluConvBn(cpp, c)
        self.pre1 = ReluConvBn(cp, c)
        self.edges = nn.ModuleList()
        self.keys = []
        self.node_keys = []
        for d in range(2, nodes + 2):
            self.edges.append(nn.ModuleList([ops(c // k, 2 if reduction and i < 2 else 1) for i in range(d)]))
            self.keys.append([f"{prefix}_n{d}_p{i}" for i in range(d)])
            self.node_keys.append(f"{prefix}_n{d}_switch")
        self.decisions = decisions
        self.reduction = reduction
        self.k = k

    def mixed_op(self, x, candidates, key):
        chosen = self.decisions.mix[key]
        if self.decisions.strategy == "gdas":
            hard, index = chosen
            return candidates[index](x) * hard[index]
        return sum(w * op(x) for w, op in zip(chosen, candidates))

    def edge(self, x, candidates, key, reduces):
        if self.k == 1:
            return self.mixed_op(x, candidates, key)
        part = x.shape[1] // self.k
        rest = x[:, part:]
        if reduces:
            rest = F.max_pool2d(rest, 2, 2, ceil_mode=True)
        return channel_shuffle(torch.cat([self.mixed_op(x[:, :part], candidates, key), rest], 1), self.k)

    def forward(self, s0, s1):
        states = [self.pre0(s0), self.pre1(s1)]
        for edges, keys, node_key in zip(self.edges, self.keys, self.node_keys):
            outputs = [self.edge(x, candidates, key, self.reduction and i < 2)
                       for i, (x, candidates, key) in enumerate(zip(states, edges, keys))]
            betas = self.decisions.mix.get(node_key)
            states.append(sum(outputs) if betas is None else sum(b * h for b, h in zip(betas, outputs)))
        return torch.cat(states[2:], 1)


class Decisions:
    def __init__(self, strategy):
        self.strategy = strategy
        self.mix = {}


class Network(nn.Module):
    def __init__(self, cin, c, classes, layers, strategy="darts", nodes=4):
        super().__init__()
        k = PARTIAL_CHANNELS if strategy == "pc-darts" else 1
        self.decisions = Decisions(strategy)
        self.alphas = nn.ParameterDict()
        self.betas = nn.ParameterDict()
        for prefix in ("normal", "reduce"):
            for d in range(2, nodes + 2):
                for i in range(d):
                    # DARTS's "none" is the implicit last alpha; GDAS has none.
                    self.alphas[f"{prefix}_n{d}_p{i}"] = nn.Parameter(1e-3 * torch.randn(7 if strategy == "gdas" else 8))
                if strategy == "pc-darts":
                    self.betas[f"{prefix}_n{d}_switch"] = nn.Parameter(1e-3 * torch.randn(d))
        cur = 3 * c
        self.stem = nn.Sequential(nn.Conv2d(cin, cur, 3, 1, 1, bias=False), nn.BatchNorm2d(cur))
        cpp, cp, cur = cur, cur, c
        self.cells = nn.ModuleList()
        reduction = False
        for i in range(layers):
            reduction_p, reduction = reduction, i in (layers // 3, 2 * layers // 3)
            if reduction:
                cur *= 2
            self.cells.append(Cell(nodes, cpp, cp, cur, reduction_p, reduction, self.decisions, "reduce" if reduction else "normal", k))
            cpp, cp = cp, cur * nodes
        self.linear = nn.Linear(cp, classes)

    def decide(self):
        """Once per forward, shared by the cells of a type: DARTS's softmax (without none) and PC-DARTS's betas, or one
        hard Gumbel-softmax sample per key (GDAS: straight-through, one read of the chosen indices for all keys)."""
        if self.decisions.strategy == "gdas":
            keys = list(self.alphas.keys())
            logits = torch.stack([self.alphas[key] for key in keys])
            gumbels = -torch.empty_like(logits).exponential_().log()
            probs = F.softmax((logits.log_softmax(-1) + gumbels) / GDAS_TAU, -1)
            index = probs.detach().argmax(-1)
            hard = (probs - probs.detach()) + F.one_hot(index, probs.shape[-1]).to(probs.dtype)
            return {key: (hard[row], chosen) for row, (key, chosen) in enumerate(zip(keys, index.tolist()))}
        mix = {key: F.softmax(alpha, -1)[:-1] for key, alpha in self.alphas.items()}
        mix.update({key: F.softmax(beta, -1) for key, beta in self.betas.items()})
        return mix

    def forward(self, x):
        self.decisions.mix = self.decide()
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        return self.linear(F.adaptive_avg_pool2d(s1, 1).flatten(1))


def second_order_alpha_gradients(model, alphas, weights, w_optim, train, valid):
    backup = [w.detach().clone() for w in weights]
    grads = torch.autograd.grad(F.cross_entropy(model(train[0]), train[1]), weights)
    with torch.no_grad():
        for w, g in zip(weights, grads):
            direction = g + WD * w
            buffer = w_optim.state.get(w, {}).get("momentum_buffer")
            if buffer is not None:
                direction = direction + MOMENTUM * buffer
            w.sub_(LR * direction)
    valid_grads = torch.autograd.grad(F.cross_entropy(model(valid[0]), valid[1]), alphas + weights)
    d_alpha, d_w = valid_grads[:len(alphas)], valid_grads[len(alphas):]
    eps = 0.01 / torch.cat([d.flatten() for d in d_w]).norm()

    def alpha_gradients_at(sign):
        with torch.no_grad():
            for w, b, d in zip(weights, backup, d_w):
                w.copy_(b + sign * eps * d)
        return torch.autograd.grad(F.cross_entropy(model(train[0]), train[1]), alphas)

    plus, minus = alpha_gradients_at(1.0), alpha_gradients_at(-1.0)
    with torch.no_grad():
        for w, b in zip(weights, backup):
            w.copy_(b)
        for a, d, p, m in zip(alphas, d_alpha, plus, minus):
            a.grad = d - LR * (p - m) / (2 * eps)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--strategy", default="darts", choices=["darts", "gdas", "pc-darts"])
    parser.add_argument("--config", default="mnist-first", choices=sorted(CONFIGS))
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    args = parser.parse_args()
    device = torch.device(args.device)
    cin, size, c, layers, batch, unrolled = CONFIGS[args.config]
    if unrolled and args.strategy != "darts":
        parser.error(f"{args.strategy} is first order: use a -first configuration")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = Network(cin, c, 10, layers, args.strategy).to(device)
    alphas = list(model.alphas.parameters()) + list(model.betas.parameters())
    weights = [p for n, p in model.named_parameters() if not n.startswith(("alphas.", "betas."))]
    w_optim = torch.optim.SGD(weights, LR, momentum=MOMENTUM, weight_decay=WD)
    a_optim = torch.optim.Adam(alphas, 3e-4, betas=(0.5, 0.999), weight_decay=1e-3)
    data = torch.randn(16 * batch, cin, size, size).to(device)
    labels = torch.randint(0, 10, (16 * batch,)).to(device)
    synchronize = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)

    def architecture_step(xt, yt, xv, yv):
        a_optim.zero_grad()
        if unrolled:
            second_order_alpha_gradients(model, alphas, weights, w_optim, (xt, yt), (xv, yv))
        else:
            F.cross_entropy(model(xv), yv).backward()
        a_optim.step()

    def weight_step(xt, yt):
        w_optim.zero_grad()
        F.cross_entropy(model(xt), yt).backward()
        nn.utils.clip_grad_norm_(weights, 5.0)
        w_optim.step()

    def step(i):
        j = (2 * i) % 16
        xt, yt = data[j * batch:(j + 1) * batch], labels[j * batch:(j + 1) * batch]
        xv, yv = data[(j + 1) * batch:(j + 2) * batch], labels[(j + 1) * batch:(j + 2) * batch]
        if args.strategy == "gdas":
            weight_step(xt, yt)
            architecture_step(xt, yt, xv, yv)
        else:
            architecture_step(xt, yt, xv, yv)
            weight_step(xt, yt)

    for i in range(args.warmup):
        step(i)
    times = []
    for i in range(args.steps):
        synchronize()
        start = time.perf_counter()
        step(i)
        synchronize()
        times.append((time.perf_counter() - start) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    name = args.config if args.strategy == "darts" else f"{args.strategy}-{args.config}"
    cuda = f" device=cuda cuda_peak_allocated_mib={torch.cuda.max_memory_allocated() / 2**20:.0f}" if device.type == "cuda" else ""
    print(f"RESULT pytorch {torch.__version__} config={name} step_ms={statistics.median(times):.{2 if cuda else 0}f} "
          f"peak_rss_mib={peak:.0f} threads={args.threads}{cuda}")

if __name__ == "__main__":
    main()
