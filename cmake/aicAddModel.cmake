# aicAddModel.cmake - aic_add_model(), included by aicConfig.cmake.
#
#   aic_add_model(<target> MODEL <model.onnx> [NAME <name>] [STATIC]
#                 [OPTIONS <aic-compile options>...] [DEPENDS <files>...])
#
# Compiles the model with aic::aic-compile when the application builds
# (again whenever the model, a DEPENDS file or aic-compile itself changes)
# and makes <target>, an imported library to link:
#   - default: the model's shared library lib<name>.so, which links
#     aic::aicrt;
#   - STATIC: its static archive lib<name>.a, which links aic::aicrt_static
#     (libaicrt.a): the program then holds the model and the runtime, and
#     needs only oneDNN's shared library and the C/C++ runtimes.
# Either way linking <target> adds the include directory of <name>.h, the
# model's typed header (aic-compile --emit=header): <name>_load() and
# <name>_run() in C, aic::models::<name> in C++. <name> (default: <target>
# as a C identifier) names the model's symbols, so several models link into
# one program. OPTIONS go to every aic-compile call (e.g. --input-shape,
# --mcpu). The files land in ${CMAKE_CURRENT_BINARY_DIR}/aic/<target>; the
# target's IMPORTED_LOCATION, AIC_MODEL_HEADER and AIC_MODEL_NAME properties
# name them (e.g. to install the library beside the program).
include_guard(GLOBAL)

function(aic_add_model target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "STATIC" "MODEL;NAME"
                        "OPTIONS;DEPENDS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
      "aic_add_model(${target}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_MODEL)
    message(FATAL_ERROR "aic_add_model(${target}): MODEL <file> is required")
  endif()
  if(NOT TARGET aic::aic-compile)
    message(FATAL_ERROR "aic_add_model(${target}): this aic package has no "
      "aic-compile (aic was built with AIC_BUILD_COMPILER=OFF)")
  endif()
  if(NOT ARG_NAME)
    string(MAKE_C_IDENTIFIER "${target}" ARG_NAME)
  endif()
  get_filename_component(model "${ARG_MODEL}" ABSOLUTE
                         BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")

  set(dir "${CMAKE_CURRENT_BINARY_DIR}/aic/${target}")
  # Imported targets may only name include directories that exist.
  file(MAKE_DIRECTORY "${dir}/include")
  set(header "${dir}/include/${ARG_NAME}.h")
  if(ARG_STATIC)
    set(emit static)
    set(library "${dir}/lib${ARG_NAME}.a")
    set(runtime aic::aicrt_static)
    set(kind STATIC)
  else()
    set(emit lib)
    set(library "${dir}/lib${ARG_NAME}.so")
    set(runtime aic::aicrt)
    set(kind SHARED)
  endif()
  set(depends "${model}" "$<TARGET_FILE:aic::aic-compile>" ${ARG_DEPENDS})

  add_custom_command(OUTPUT "${header}"
    COMMAND aic::aic-compile --emit=header --name=${ARG_NAME} ${ARG_OPTIONS}
            "${model}" -o "${header}"
    DEPENDS ${depends}
    COMMENT "aic: header ${ARG_NAME}.h of ${ARG_MODEL}"
    VERBATIM)
  add_custom_command(OUTPUT "${library}"
    COMMAND aic::aic-compile --emit=${emit} --name=${ARG_NAME} ${ARG_OPTIONS}
            "${model}" -o "${library}"
    DEPENDS ${depends}
    COMMENT "aic: compiling ${ARG_MODEL} to ${library}"
    VERBATIM)
  add_custom_target(${target}_aic_compile DEPENDS "${header}" "${library}")

  add_library(${target} ${kind} IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION "${library}"
    INTERFACE_INCLUDE_DIRECTORIES "${dir}/include"
    INTERFACE_LINK_LIBRARIES ${runtime}
    AIC_MODEL_NAME ${ARG_NAME}
    AIC_MODEL_HEADER "${header}")
  if(NOT ARG_STATIC)
    # aic-compile gives the library this soname.
    set_target_properties(${target} PROPERTIES
      IMPORTED_SONAME "lib${ARG_NAME}.so")
  endif()
  # Builds the files before anything linking <target>.
  add_dependencies(${target} ${target}_aic_compile)
endfunction()
