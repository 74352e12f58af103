#!/usr/bin/python3
"""idle-cpu.py - CPU time a process spends while its aic model sits idle.

  benchmarks/idle-cpu.sh MODEL.so [--lib LIBAICRT] [--threads N]
                         [--runs R] [--gap-ms MS] [--warmup W]

Loads MODEL.so (a library from aic-compile) through libaicrt's C API with
ctypes, runs it W times untimed, then R times with a sleep of MS
milliseconds after each run. Around every run and every gap it reads the
process's CPU time (getrusage, user + system, all threads) and the wall
clock, and prints:

  - runs: wall and CPU ms per run and their ratio, i.e. how many threads
    were busy on average (at most the thread count when nothing spins or
    oversubscribes);
  - gaps: CPU ms consumed per idle second. Worker threads that keep
    spinning after a run show up here; a truly idle process is at ~0.
    libgomp's workers spin for GOMP_SPINCOUNT iterations (300000 by
    default) before they sleep; try GOMP_SPINCOUNT=10000 or
    OMP_WAIT_POLICY=passive in the environment to compare;
  - the OS threads of the process (/proc/self/task) after the runs.

The kernel adds a running thread's CPU time to the process's at scheduler
ticks, so a worker still spinning when a run ends can move up to a tick of
CPU time between that run and its gap; the sums over many gaps are right.

--threads N calls aic_model_set_num_threads (default: the model's own
count, i.e. OMP_NUM_THREADS or all cores). --lib defaults to
$AIC_BUILD_DIR/lib/libaicrt.so, else build/lib/libaicrt.so. Only ctypes is
imported (numpy would start its own BLAS threads and blur the counts).
Exit status 1 if the model fails to load or run.
"""
import argparse
import ctypes
import os
import resource
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int),
                ("rank", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64))]


class Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int),
                ("rank", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64))]


def cpu_ms():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1e3


def main():
    p = argparse.ArgumentParser(
        prog="idle-cpu.sh", usage=argparse.SUPPRESS, description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="a compiled model (.so from aic-compile)")
    p.add_argument("--lib", help="libaicrt.so to load")
    p.add_argument("--threads", type=int,
                   help="aic_model_set_num_threads (0: all cores)")
    p.add_argument("--runs", type=int, default=20, help="measured runs")
    p.add_argument("--gap-ms", type=float, default=100,
                   help="sleep after each run")
    p.add_argument("--warmup", type=int, default=3, help="untimed runs")
    a = p.parse_args()

    lib_path = a.lib or os.path.join(
        os.environ.get("AIC_BUILD_DIR", os.path.join(ROOT, "build")), "lib",
        "libaicrt.so")
    rt = ctypes.CDLL(lib_path, mode=ctypes.RTLD_GLOBAL)
    rt.aic_last_error.restype = ctypes.c_char_p
    rt.aic_model_num_inputs.restype = ctypes.c_size_t
    rt.aic_model_num_outputs.restype = ctypes.c_size_t
    rt.aic_dtype_size.restype = ctypes.c_size_t

    def check(status, what):
        if status != 0:
            sys.exit(f"error: {what}: {rt.aic_last_error().decode()}")

    model = ctypes.c_void_p()
    check(rt.aic_model_load(a.model.encode(), ctypes.byref(model)),
          a.model)
    if a.threads is not None:
        check(rt.aic_model_set_num_threads(model, a.threads),
              "aic_model_set_num_threads")
    threads = rt.aic_model_num_threads(model)

    def tensors(count, info_fn):
        views, keep = (Tensor * count)(), []
        for i in range(count):
            info = TensorInfo()
            check(info_fn(model, ctypes.c_size_t(i), ctypes.byref(info)),
                  "tensor info")
            n = 1
            for d in range(info.rank):
                n *= info.shape[d]
            # Zeros are valid input for every dtype the models take.
            buf = ctypes.create_string_buffer(
                max(1, n * rt.aic_dtype_size(info.dtype)))
            keep.append(buf)
            views[i] = Tensor(ctypes.cast(buf, ctypes.c_void_p), info.dtype,
                              info.rank, info.shape)
        return views, keep

    n_in = rt.aic_model_num_inputs(model)
    n_out = rt.aic_model_num_outputs(model)
    ins, keep_in = tensors(n_in, rt.aic_model_input_info)
    outs, keep_out = tensors(n_out, rt.aic_model_output_info)

    def run():
        check(rt.aic_model_run(model, ins, ctypes.c_size_t(n_in), outs,
                               ctypes.c_size_t(n_out)), "aic_model_run")

    for _ in range(a.warmup):
        run()
    time.sleep(a.gap_ms / 1e3)  # let the warm-up's spinning end
    run_wall, run_cpu, gap_wall, gap_cpu = [], [], [], []
    for _ in range(a.runs):
        c0, t0 = cpu_ms(), time.perf_counter()
        run()
        c1, t1 = cpu_ms(), time.perf_counter()
        time.sleep(a.gap_ms / 1e3)
        c2, t2 = cpu_ms(), time.perf_counter()
        run_wall.append((t1 - t0) * 1e3)
        run_cpu.append(c1 - c0)
        gap_wall.append((t2 - t1) * 1e3)
        gap_cpu.append(c2 - c1)
    tasks = len(os.listdir("/proc/self/task"))

    med = statistics.median
    idle_per_s = sum(gap_cpu) / sum(gap_wall) * 1e3
    print(f"{os.path.basename(a.model)}: {threads} threads, {a.runs} runs, "
          f"{a.gap_ms:g} ms gaps, OMP_WAIT_POLICY="
          f"{os.environ.get('OMP_WAIT_POLICY', '(unset)')}")
    print(f"  runs: median wall {med(run_wall):.2f} ms, CPU "
          f"{med(run_cpu):.2f} ms, CPU/wall {sum(run_cpu) / sum(run_wall):.2f}")
    print(f"  gaps: CPU {idle_per_s:.1f} ms per idle second (median "
          f"{med(gap_cpu):.2f} ms, max {max(gap_cpu):.2f} ms per "
          f"{a.gap_ms:g} ms gap)")
    print(f"  OS threads in the process: {tasks}")
    rt.aic_model_free(model)


if __name__ == "__main__":
    main()
