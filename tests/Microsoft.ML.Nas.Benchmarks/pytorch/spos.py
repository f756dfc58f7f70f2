"""PyTorch side of the SPOS step benchmark (`spos --config ...` of the C# benchmarks): the same supernet (enas-macro,
16 filters: 4 layers on the digits, 6 on CIFAR-shaped noise, enas.py's network), batch and optimizer, and the step of
NNI v1.9's SPOSSupernetTrainer: zero the gradients (PyTorch 1.x: to zero tensors, so a candidate once used keeps being
decayed), draw a uniform path as NNI's RandomMutator (one candidate per LayerChoice, each input of an any-subset
InputChoice with probability 1/2), forward, label-smoothed cross-entropy (0.1, as NNI's SPOS example), backward, SGD
(momentum 0.9, weight decay 4e-5, no clip), then the step's accuracy and loss as NNI's metrics read them. The C# side
holds 10 % of the rows out to score architectures on; so does this one. Written from those semantics, not copied.

    /usr/bin/python3 tests/Microsoft.ML.Nas.Benchmarks/pytorch/spos.py --config spos-macro-mnist [--warmup 20] [--steps 100] [--threads 2]
"""
import argparse
import resource
import statistics

import torch
import torch.nn.functional as F

from enas import MacroNet, images, measure, walk

CONFIGS = {  # name: (layers, sample shape, real digits, batch)
    "spos-macro-mnist": (4, (1, 28, 28), True, 64),
    "spos-macro-cifar": (6, (3, 32, 32), False, 32),
}


class UniformPaths:
    """NNI's RandomMutator on enas.py's mutables: a fresh uniform decision for every key at each reset."""

    def __init__(self, model):
        self.mutables = [(kind, m) for kind, m in walk(model, []) if kind != "exit"]

    def reset(self):
        for kind, mutable in self.mutables:
            if kind == "layer":
                index = torch.randint(len(mutable.candidates), (1,)).item()
                mutable.mask = [i == index for i in range(len(mutable.candidates))]
            else:
                mutable.mask = torch.randint(2, (len(mutable.choose_from),)).bool().tolist()


def top_k_accuracy(logits, labels, k):
    return (logits.topk(k, 1).indices == labels.view(-1, 1)).any(1).float().mean().item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="spos-macro-mnist", choices=sorted(CONFIGS))
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    layers, shape, digits, batch = CONFIGS[args.config]
    x, y = images(digits, shape, batch * 40)
    batches = (len(y) - len(y) // 10) // batch
    model = MacroNet(layers, 16, shape[0], 10)
    paths = UniformPaths(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=4e-5)
    position = [0]

    def step():
        i = (position[0] % batches) * batch
        position[0] += 1
        features, labels = x[i:i + batch], y[i:i + batch]
        optimizer.zero_grad(set_to_none=False)
        paths.reset()
        logits = model(features)
        loss = F.cross_entropy(logits, labels, label_smoothing=0.1)
        loss.backward()
        optimizer.step()
        top_k_accuracy(logits, labels, 1), top_k_accuracy(logits, labels, 5), loss.item()

    model.train()
    times = measure(step, args.warmup, args.steps)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {args.config}: step median {statistics.median(times):.2f} ms (n={len(times)})")
    print(f"RESULT pytorch config={args.config} step_ms={statistics.median(times):.2f} peak_rss_mib={peak:.0f}")


if __name__ == "__main__":
    main()
