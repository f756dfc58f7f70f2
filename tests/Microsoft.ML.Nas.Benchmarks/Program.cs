using Microsoft.ML.Nas.Benchmarks;
using Microsoft.ML.Nas.Runtime;

// Console benchmarks; never run by the test command. Run in Release:
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- plain-cnn [--rounds 5] [--steps 100] [--threads N]
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- threads [--rounds 5] [--steps 100]
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- enas [--config macro-cifar|micro-cifar|macro-mnist|micro-mnist]
//       [--warmup 20] [--steps 200] [--threads 2]   (child steps timed = --steps, controller steps = max(steps/5, 30))
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- darts --config cifar-first|cifar-second|mnist-first|mnist-second
//       [--warmup 2] [--steps 200] [--threads 2]   (one configuration per process, so that peak RSS is its own)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- gdas|pc-darts --config cifar-first|mnist-first
//       [--warmup 2] [--steps 200] [--threads 2]   (the darts step of GDAS / PC-DARTS (K = 4) on the same supernet)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- spos --config macro-mnist|macro-cifar
//       [--warmup 20] [--steps 100] [--threads 2]   (SPOS supernet steps: a uniform path, a weight step on it)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- proxyless --config mlp-mnist|chain-cifar
//       [--warmup 20] [--steps 100] [--threads 2]   (ProxylessNAS weight steps, an architecture step every fifth)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- transform [--rounds 5] [--threads N] [--device cpu]
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- onnx [--rounds 5] [--threads N]
//       (rows/s of the exported ONNX file in ONNX Runtime vs the NasTransformer on the CPU, batch 1 and 256)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- mlnet-baselines [--epochs 12] [--threads N] [--device cpu]
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- baselines [--seeds 3] [--epochs 12] [--search-epochs 6] [--child-steps 150]
//       [--train N] [--lr X] [--wd X] [--shift N] [--lr-warmup X] [--label-smoothing X] [--optimizer sgd|nesterov|adamw] [--ema X]
//       [--cutout N] [--drop-path X] [--final-width X] [--final-depth N] [--budget S] [--config lightgbm,sdca,plain-cnn,bn-cnn,enas,darts,random,spos,proxyless]
//       [--threads N] [--device cpu]   (one table; --budget S gives every network S seconds instead of the epoch counts)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- pool-kernels [--rounds 3] [--steps 100] [--threads 2]
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- soak [--epochs 20] [--steps 100] [--threads 2]
//       (ENAS through mlContext.Nas(); resident memory after every search epoch)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- busy-threads [--rounds 3] [--steps 40] [--config macro-mnist]
//       (ENAS steps quiet and beside a competing core-bound process, the library's thread count against a pinned one)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- sorted-data [--seeds 3] [--train 2000] [--search-epochs 6]
//       [--child-steps 150] [--epochs 12]   (ENAS and DARTS on the same rows in the split's order and sorted by label)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- search-vs-random [--random 5] [--seeds 3] [--search-epochs 6]
//       [--child-steps 150] [--epochs 12] [recipe options as for baselines]   (each strategy's found architecture against random ones, same retraining)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- collapse [--seeds 3] [--search-epochs 6] [--epochs 12]
//       [recipe options as for baselines]   (DARTS searched 4 × --search-epochs, exported without and with the collapse guard)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- latency [--config enas-macro|darts-cells|mlp] [--random 20] [--threads 2]
//       (the latency table's predictions against measured forwards of random architectures at batch 1 and 256: the error)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- recipe [--config enas|darts] [--seeds 3] [--epochs 12] [recipe options as for baselines]
//       [--architecture FILE]   (the found architecture, or FILE's, retrained with the recipe and with one part of it changed at a time)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- eval-gap --architecture FILE [--seeds 1] [--epochs 10] [--shared-reductions]
//       [recipe options as for baselines]   (an enas-macro architecture retrained, then scored in evaluation mode, with batch statistics and re-estimated ones)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- time-budget [--budget 60] [--train N]
//       (ENAS, DARTS and the MLP space with NasOptions.TimeBudget: Fit's wall time against the budget, planned epochs, accuracy)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- enas-drift [--seeds 3] [--search-epochs 6] [--child-steps 150] [--config VARIANT]
//       (the quick-start's ENAS search under NNI's controller settings and single changes: the parameter-free share per epoch)
//   dotnet run -c Release --project tests/Microsoft.ML.Nas.Benchmarks -- op-layouts [--warmup 20] [--steps 100] [--threads 2]
//       (the seven DARTS ops on 2 to 16 channels, channels-last and NCHW, and a ReLU; pytorch/op_layouts.py: the same in PyTorch)
// darts and enas also take --keep-freed (no release of freed native memory between passes) and --slack F (the guard's slack).
// tests/Microsoft.ML.Nas.Benchmarks/compare-plain-cnn.sh, compare-darts.sh, compare-enas.sh and compare-spos-proxyless.sh run the C# benchmarks and
// their PyTorch counterparts in pytorch/ side by side.
var options = BenchmarkArguments.Parse(args);
TorchRuntime.EnsureAvailable();
switch (options.Command)
{
    case "plain-cnn":
        PlainCnnReport.Run(options);
        break;
    case "threads":
        ThreadCountReport.Run(options);
        break;
    case "enas":
        EnasReport.Run(options);
        break;
    case "darts":
    case "gdas":
    case "pc-darts":
        DartsStepBenchmark.Run(options, options.Command);
        break;
    case "spos":
    case "proxyless":
        SinglePathStepBenchmark.Run(options, options.Command);
        break;
    case "transform":
        TransformThroughputReport.Run(options);
        break;
    case "onnx":
        OnnxThroughputReport.Run(options);
        break;
    case "pool-kernels":
        PoolKernelReport.Run(options);
        break;
    case "mlnet-baselines":
        MLNetBaselinesReport.Run(options);
        break;
    case "soak":
        SoakReport.Run(options);
        break;
    case "baselines":
        BaselinesReport.Run(options);
        break;
    case "busy-threads":
        BusyMachineReport.Run(options);
        break;
    case "sorted-data":
        SortedDataReport.Run(options);
        break;
    case "search-vs-random":
        SearchVersusRandomReport.Run(options);
        break;
    case "collapse":
        CollapseReport.Run(options);
        break;
    case "latency":
        LatencyPredictionReport.Run(options);
        break;
    case "recipe":
        RecipeAblationReport.Run(options);
        break;
    case "eval-gap":
        EvalGapReport.Run(options);
        break;
    case "time-budget":
        TimeBudgetReport.Run(options);
        break;
    case "enas-drift":
        EnasDriftReport.Run(options);
        break;
    case "op-layouts":
        OpLayoutReport.Run(options);
        break;
    case "budgets":
        BudgetsReport.Run(options);
        break;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{options.Command}'. Known: plain-cnn, threads, enas, darts, gdas, pc-darts, spos, proxyless, transform, onnx, pool-kernels, mlnet-baselines, soak, baselines, busy-threads, sorted-data, search-vs-random, collapse, latency, recipe, eval-gap, time-budget, enas-drift, budgets, op-layouts.");
        return 2;
}
return 0;
