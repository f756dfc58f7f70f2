"""PyTorch side of the plain-CNN baseline: the same network, data, batch size, optimizer and timing protocol as
PlainCnnBenchmark.cs, for a side-by-side ratio. Needs python3-torch (Debian: apt-get install python3-torch).

    /usr/bin/python3 tests/Microsoft.ML.Nas.Benchmarks/pytorch/plain_cnn.py [--rounds 5] [--steps 100] [--threads 2]
"""
import argparse
import gzip
import pathlib
import resource
import statistics
import struct
import time

import torch
from torch import nn

REPO = pathlib.Path(__file__).resolve().parents[3]
BATCH, BATCHES = 64, 16


def read_idx(path):
    with gzip.open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = struct.unpack(">" + "I" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        return torch.frombuffer(bytearray(f.read()), dtype=torch.uint8).reshape(dims)


def batches():
    # Any 1,024 real digits: the timing does not depend on which.
    images = read_idx(REPO / "data/mnist/digits-images-idx3-ubyte.gz")
    labels = read_idx(REPO / "data/mnist/digits-labels-idx1-ubyte.gz")
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(0))[: BATCH * BATCHES]
    x = (images[order].float() / 255).reshape(BATCHES, BATCH, 1, 28, 28)
    y = labels[order].long().reshape(BATCHES, BATCH)
    return list(zip(x, y))


def model():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10))


def measure(step, warmup, steps):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return times


def one_round(data, warmup, steps):
    torch.manual_seed(0)
    net = model()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    counter = [0]

    def next_batch():
        counter[0] += 1
        return data[counter[0] % len(data)]

    def train_step():
        x, y = next_batch()
        net.train()
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()

    def inference_step():
        x, _ = next_batch()
        net.eval()
        with torch.no_grad():
            net(x).argmax(1)

    train = measure(train_step, warmup, steps)
    infer = measure(inference_step, warmup, steps)
    print(f"  threads {torch.get_num_threads()}: train step median {statistics.median(train):.2f} ms; "
          f"inference median {statistics.median(infer):.2f} ms")
    return statistics.median(train), statistics.median(infer)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = batches()
    print(f"plain-cnn (PyTorch {torch.__version__}): batch 64, {args.warmup} warm-up + {args.steps} timed steps, "
          f"{args.rounds} rounds, {args.threads} threads")
    results = [one_round(data, args.warmup, args.steps) for _ in range(args.rounds)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"RESULT pytorch train_ms={statistics.median(r[0] for r in results):.2f} "
          f"infer_ms={statistics.median(r[1] for r in results):.2f} peak_rss_mib={peak:.0f}")


if __name__ == "__main__":
    main()
