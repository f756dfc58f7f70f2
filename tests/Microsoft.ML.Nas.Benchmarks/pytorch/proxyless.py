"""PyTorch side of the ProxylessNAS step benchmark (`proxyless --config ...` of the C# benchmarks): the same networks
(the mlp space, 2 layers of 128 choosing among relu/tanh blocks of width 64/256, on the digits; on CIFAR-shaped noise a
chain of 6 LayerChoices among enas.py's six macro ops with a batch norm after each and factorized reductions after
layers 1 and 3), batch and optimizers, and the steps of NNI v1.9's ProxylessNasTrainer and ProxylessNasMutator:

- weight step: binarize every choice (one path drawn from softmax(alpha); the candidates' gradients dropped "to avoid
  over-regularization", so an unused candidate is neither decayed nor moved by momentum), forward of the active paths
  only, label-smoothed cross-entropy (0.1), zero the gradients, backward, SGD (Nesterov momentum 0.9, weight decay
  4e-5; the learning rate set per batch on a cosine), top-1/top-5 accuracy;
- every fifth step of a pass (NNI's schedule after its warm-up) an architecture step on a held-out batch (20 % of the
  rows, as the C# side), in training mode: binarize in the architecture mode, forward, plain cross-entropy, backward,
  the path weights' gradients from the gates', Adam (1e-3, betas 0 and 0.999) on them.

The architecture mode is the C# side's by default: "two" (the paper's section 3.2.1: two paths drawn, the inactive one's
output detached, the two updated weights shifted back to their old log-sum-exp). `--binary-mode full_v2` is NNI v1.9's
default instead: the forward runs the active path, and its backward runs every other candidate without a graph for the
gates' gradients. `--decay-unused` keeps the candidates' gradients between steps (what the C# ProxylessStrategy does:
PyTorch 1.x's decay of every weight once used). The path weights stay out of the weights' optimizer. Written from
those semantics, not copied.

    /usr/bin/python3 tests/Microsoft.ML.Nas.Benchmarks/pytorch/proxyless.py --config proxyless-mlp-mnist [--warmup 20] [--steps 100]
        [--threads 2] [--binary-mode two|full_v2] [--decay-unused]
"""
import argparse
import math
import resource
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn

from enas import MACRO_OPS, FactorizedReduce, images, macro_op

CONFIGS = {  # name: (network, layers, sample shape, real digits, batch)
    "proxyless-mlp-mnist": ("mlp", 2, (1, 28, 28), True, 64),
    "proxyless-chain-cifar": ("chain", 6, (3, 32, 32), False, 32),
}
ARCHITECTURE_EVERY = 5


class ActivePathGateGradients(torch.autograd.Function):
    """full_v2: the forward keeps the active path's graph only; the backward gives each gate <dL/dy, o_k>, running the
    other candidates on the saved input without a graph."""

    @staticmethod
    def forward(ctx, x, gates, choice):
        inner = x.detach().requires_grad_(x.requires_grad)
        with torch.enable_grad():
            output = choice.candidates[choice.active](inner)
        ctx.choice = choice
        ctx.save_for_backward(inner, output)
        return output.detach()

    @staticmethod
    def backward(ctx, grad_output):
        inner, output = ctx.saved_tensors
        choice = ctx.choice
        grad_x = torch.autograd.grad(output, inner, grad_output)[0] if inner.requires_grad else None
        grad_gates = torch.zeros(len(choice.candidates))
        with torch.no_grad():
            for k, candidate in enumerate(choice.candidates):
                out_k = output if k == choice.active else candidate(inner)
                grad_gates[k] = (out_k * grad_output).sum()
        return grad_x, grad_gates, None


class MixedChoice(nn.Module):
    """A LayerChoice under the ProxylessNAS mutator: path weights alpha, binary gates, the active and inactive paths."""

    mode = None  # None for weight steps; "two" or "full_v2" during an architecture step
    keep_gradients = False

    def __init__(self, candidates):
        super().__init__()
        self.candidates = nn.ModuleList(candidates)
        n = len(candidates)
        # Plain tensors, not parameters: the weights' optimizer never sees them. Fresh gates at every draw.
        self.alpha = torch.empty(n).normal_(0, 1e-3)
        self.gates = torch.zeros(n)
        self.active, self.inactive, self.before = 0, [], None

    def binarize(self):
        probs = F.softmax(self.alpha, 0)
        if MixedChoice.mode == "two":
            pair = torch.multinomial(probs, 2, replacement=False).tolist()
            pick = torch.multinomial(F.softmax(self.alpha[pair], 0), 1).item()
            self.active, self.inactive = pair[pick], [pair[1 - pick]]
        else:
            self.active = torch.multinomial(probs, 1).item()
            self.inactive = [k for k in range(len(self.candidates)) if k != self.active]
        self.gates = torch.zeros(len(self.candidates))
        self.gates[self.active] = 1.0
        if not MixedChoice.keep_gradients:
            for p in self.candidates.parameters():
                p.grad = None

    def forward(self, x):
        if MixedChoice.mode == "two":
            out = self.gates[self.active] * self.candidates[self.active](x)
            for k in self.inactive:
                out = out + self.gates[k] * self.candidates[k](x).detach()
            return out
        if MixedChoice.mode == "full_v2":
            return ActivePathGateGradients.apply(x, self.gates, self)
        return self.candidates[self.active](x)

    def set_alpha_gradient(self):
        """dL/dalpha_i = sum_j dL/dg_j p_j (delta_ij - p_i) = p_i (g_i - sum_j g_j p_j), over the drawn pair in "two"."""
        involved = [self.active] + self.inactive
        g = self.gates.grad[involved]
        p = F.softmax(self.alpha[involved], 0)
        self.alpha.grad = torch.zeros_like(self.alpha)
        self.alpha.grad[involved] = p * (g - (g * p).sum())
        if MixedChoice.mode == "two":
            self.before = (involved, self.alpha[involved].clone())

    def rescale(self):
        involved, old = self.before
        self.alpha[involved] -= math.log(self.alpha[involved].exp().sum() / old.exp().sum())


def mlp(layers, inputs, classes, hidden=128, widths=(64, 256), activations=(nn.ReLU, nn.Tanh)):
    def block(cin, inner, act):
        return nn.Sequential(nn.Linear(cin, inner), act(), nn.Linear(inner, hidden), act())

    choices = [MixedChoice([block(inputs if i == 0 else hidden, w, act) for act in activations for w in widths]) for i in range(layers)]
    return nn.Sequential(nn.Flatten(), *choices, nn.Dropout(0), nn.Linear(hidden, classes))


class Chain(nn.Module):
    def __init__(self, layers, c, cin, classes):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(cin, c, 3, padding=1, bias=False), nn.BatchNorm2d(c))
        self.choices = nn.ModuleList([MixedChoice([macro_op(n, c) for n in MACRO_OPS]) for _ in range(layers)])
        self.norms = nn.ModuleList([nn.BatchNorm2d(c, affine=False) for _ in range(layers)])
        d = layers // 3
        self.after = [d - 1, 2 * d - 1] if d > 0 else []
        self.reductions = nn.ModuleList([FactorizedReduce(c, c) for _ in self.after])
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        x = self.stem(x)
        for i, (choice, norm) in enumerate(zip(self.choices, self.norms)):
            x = norm(choice(x))
            if i in self.after:
                x = self.reductions[self.after.index(i)](x)
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="proxyless-mlp-mnist", choices=sorted(CONFIGS))
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--binary-mode", default="two", choices=["two", "full_v2"])
    parser.add_argument("--decay-unused", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    network, layers, shape, digits, batch = CONFIGS[args.config]
    x, y = images(digits, shape, batch * 40)
    split = len(y) - len(y) // 5
    batches, architecture_batches = split // batch, (len(y) - split) // batch
    model = mlp(layers, math.prod(shape), 10) if network == "mlp" else Chain(layers, 16, shape[0], 10)
    choices = [m for m in model.modules() if isinstance(m, MixedChoice)]
    MixedChoice.keep_gradients = args.decay_unused
    weights = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=4e-5)
    alphas = [c.alpha for c in choices]
    architecture = torch.optim.Adam(alphas, 1e-3, betas=(0, 0.999), eps=1e-8, weight_decay=0)
    total = args.warmup + args.steps

    def weight_step(i):
        lr = 0.5 * 0.05 * (1 + math.cos(math.pi * i / total))
        for group in weights.param_groups:
            group["lr"] = lr
        j = (i % batches) * batch
        features, labels = x[j:j + batch], y[j:j + batch]
        for c in choices:
            c.binarize()
        logits = model(features)
        loss = F.cross_entropy(logits, labels, label_smoothing=0.1)
        [(logits.topk(k, 1).indices == labels.view(-1, 1)).any(1).float().mean() for k in (1, 5)]
        model.zero_grad(set_to_none=False)
        loss.backward()
        weights.step()

    def architecture_step(n):
        MixedChoice.mode = args.binary_mode
        j = split + (n % architecture_batches) * batch
        features, labels = x[j:j + batch], y[j:j + batch]
        model.train()
        for c in choices:
            c.binarize()
            c.gates.requires_grad_(True)
        loss = F.cross_entropy(model(features), labels)
        model.zero_grad(set_to_none=False)
        loss.backward()
        for c in choices:
            c.set_alpha_gradient()
        architecture.step()
        if args.binary_mode == "two":
            for c in choices:
                c.rescale()
        MixedChoice.mode = None
        return loss.item()

    model.train()
    kinds, times, architecture_steps = [], [], 0
    for i in range(total):
        updates = (i % batches + 1) % ARCHITECTURE_EVERY == 0
        start = time.perf_counter()
        weight_step(i)
        if updates:
            architecture_step(architecture_steps)
            architecture_steps += 1
        elapsed = (time.perf_counter() - start) * 1000
        if i >= args.warmup:
            kinds.append(updates)
            times.append(elapsed)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    weight_only = [t for t, u in zip(times, kinds) if not u]
    with_architecture = [t for t, u in zip(times, kinds) if u]
    weight = statistics.median(weight_only)
    measures = f"weight_ms={weight:.2f}"
    if with_architecture:
        both = statistics.median(with_architecture)
        measures = f"step_ms={((ARCHITECTURE_EVERY - 1) * weight + both) / ARCHITECTURE_EVERY:.2f} {measures} with_arch_ms={both:.2f}"
    side = "pytorch" + ("-full-v2" if args.binary_mode == "full_v2" else "") + ("-decay-unused" if args.decay_unused else "")
    print(f"  {args.config} ({args.binary_mode}): weight step median {weight:.2f} ms (n={len(weight_only)}), "
          f"with an architecture step {statistics.median(with_architecture) if with_architecture else float('nan'):.2f} ms (n={len(with_architecture)})")
    print(f"RESULT {side} config={args.config} {measures} peak_rss_mib={peak:.0f}")


if __name__ == "__main__":
    main()
