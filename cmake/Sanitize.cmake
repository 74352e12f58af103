# Sanitizer and fuzzing builds.
#
#   -DAIC_SANITIZE=address,undefined   ASan + UBSan (clang or gcc)
#   -DAIC_SANITIZE=thread              TSan (use with -DAIC_BUILD_COMPILER=OFF:
#                                      the runtime and its tests only)
#   -DAIC_FUZZ=ON                      libFuzzer harnesses in fuzz/ (clang);
#                                      every target gets coverage
#                                      instrumentation, so the ASan build and
#                                      the fuzz build can be one build.
#
# The flags apply to every target of this project; the prebuilt LLVM, MLIR,
# ONNX, protobuf and oneDNN libraries stay uninstrumented. Errors stop the
# program (no recovery), so a test with a report fails.
set(AIC_SANITIZE "" CACHE STRING
  "Sanitizers for every target (-fsanitize=...), e.g. address,undefined")
option(AIC_FUZZ "Build the libFuzzer harnesses in fuzz/ (clang)" OFF)

if(AIC_FUZZ AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "AIC_FUZZ needs clang (e.g. -DCMAKE_CXX_COMPILER=clang++-19)")
endif()

set(AIC_SANITIZE_FLAGS "")
if(AIC_SANITIZE)
  list(APPEND AIC_SANITIZE_FLAGS -fsanitize=${AIC_SANITIZE}
    -fno-sanitize-recover=all -fno-omit-frame-pointer)
  if(AIC_SANITIZE MATCHES "undefined")
    # LLVM and MLIR are built without RTTI, which vptr checks need.
    list(APPEND AIC_SANITIZE_FLAGS -fno-sanitize=vptr)
  endif()
endif()
if(AIC_FUZZ)
  list(APPEND AIC_SANITIZE_FLAGS -fsanitize=fuzzer-no-link)
endif()

if(AIC_SANITIZE_FLAGS)
  add_compile_options(${AIC_SANITIZE_FLAGS})
  add_link_options(${AIC_SANITIZE_FLAGS})
  # Asserts on: a failed one is a bug the same as a sanitizer report.
  foreach(config RELEASE RELWITHDEBINFO MINSIZEREL)
    string(REPLACE "-DNDEBUG" "" CMAKE_C_FLAGS_${config} "${CMAKE_C_FLAGS_${config}}")
    string(REPLACE "-DNDEBUG" "" CMAKE_CXX_FLAGS_${config} "${CMAKE_CXX_FLAGS_${config}}")
  endforeach()
endif()
