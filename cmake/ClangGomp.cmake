# Clang builds (the sanitizer and fuzz builds) use GCC's OpenMP runtime,
# libgomp: Debian's oneDNN runs on it, and libaicrt must share it (its
# omp_set_num_threads sets the thread count oneDNN's parallel regions use).
# Clang's -fopenmp would link LLVM's libomp instead, and Debian's clang has
# no omp.h for libgomp, so GCC's is copied into a directory of its own (its
# other headers would shadow clang's intrinsics headers), without the GCC-only
# deallocator arguments of its malloc attributes.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  return()
endif()
find_program(AIC_GCC gcc REQUIRED)
execute_process(COMMAND ${AIC_GCC} -print-file-name=include/omp.h
  OUTPUT_VARIABLE gomp_header OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${AIC_GCC} -print-file-name=libgomp.so
  OUTPUT_VARIABLE gomp_library OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT EXISTS "${gomp_header}" OR NOT EXISTS "${gomp_library}")
  message(FATAL_ERROR "libgomp's omp.h or libgomp.so not found (gcc says "
    "'${gomp_header}', '${gomp_library}')")
endif()
file(READ ${gomp_header} gomp_text)
string(REGEX REPLACE "__malloc__ \\([a-z_]+\\)" "__malloc__" gomp_text
  "${gomp_text}")
file(WRITE ${PROJECT_BINARY_DIR}/gomp-include/omp.h "${gomp_text}")
foreach(lang C CXX)
  set(OpenMP_${lang}_FLAGS
    "-fopenmp=libgomp -isystem ${PROJECT_BINARY_DIR}/gomp-include"
    CACHE STRING "" FORCE)
  set(OpenMP_${lang}_LIB_NAMES gomp CACHE STRING "" FORCE)
endforeach()
set(OpenMP_gomp_LIBRARY ${gomp_library} CACHE FILEPATH "" FORCE)
