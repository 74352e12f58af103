# -*- Python -*-
import os
import lit.formats
from lit.llvm import llvm_config

config.name = "aic"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.aic_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "unit",
                   "onnx-backend", "Inputs"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.aic_tools_dir, append_path=True)
config.substitutions.append(("%python", config.python_with_torch))
config.substitutions.append(("%aic_src", config.aic_src_root))
config.substitutions.append(("%aic_bin", config.aic_obj_root))
llvm_config.add_tool_substitutions(
    ["aic-opt", "aic-compile", "aic-run"], [config.aic_tools_dir])

# An instrumented build (-DAIC_SANITIZE): tests that link programs of their
# own against libaicrt need the sanitizer runtimes and run in the regular
# build only.
if config.aic_sanitize:
    config.available_features.add("sanitizers")

# A CPU with AVX-512: tests of the kernels oneDNN picks on such a CPU
# (aic-assign-layouts asks about the host).
try:
    with open("/proc/cpuinfo") as cpuinfo:
        if " avx512f" in cpuinfo.read():
            config.available_features.add("avx512")
except OSError:
    pass

# `%limit_mem_2g cmd`: cmd may not use more than 2 GiB. ASan reserves
# terabytes of shadow address space, which `ulimit -v` forbids; under ASan
# an allocation over 2 GiB is a report (and a failure) instead.
if "address" in config.aic_sanitize:
    asan_options = os.environ.get("ASAN_OPTIONS", "")
    config.substitutions.append(
        ("%limit_mem_2g", "env ASAN_OPTIONS=%s%smax_allocation_size_mb=2048:"
         "allocator_may_return_null=0" % (asan_options,
                                          ":" if asan_options else "")))
else:
    config.substitutions.append(("%limit_mem_2g", "ulimit -v 2097152 &&"))
