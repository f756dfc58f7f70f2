"""PyTorch side of the op-layouts benchmark (`op-layouts` of the C# benchmarks): the forward and backward of a ReLU on
64 x 16 x 28 x 28 and of each of the seven DARTS ops (darts_step.py's, stride 1) on 64 x C x 28 x 28 for C = 2, 4, 8
and 16, in NCHW (PyTorch's default layout, what NNI's trainers run). Medians over --steps calls after --warmup.

    /usr/bin/python3 tests/Microsoft.ML.Nas.Benchmarks/pytorch/op_layouts.py [--warmup 20] [--steps 100] [--threads 2]
"""
import argparse
import statistics
import torch

from darts_step import ops
from enas import measure


def median_ms(op, x, warmup, steps):
    return statistics.median(measure(lambda: op(x).sum().backward(), warmup, steps))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.randn(64, 16, 28, 28, requires_grad=True)
    print(f"RESULT op=relu channels=16 layout=nchw ms={median_ms(torch.nn.ReLU(), x, args.warmup, args.steps):.3f}")
    for channels in (2, 4, 8, 16):
        x = torch.randn(64, channels, 28, 28, requires_grad=True)
        total = 0.0
        for op in ops(channels, 1):
            op.train()
            total += median_ms(op, x, args.warmup, args.steps)
        print(f"RESULT op=darts-ops channels={channels} layout=nchw ms={total:.3f}")


if __name__ == "__main__":
    main()
