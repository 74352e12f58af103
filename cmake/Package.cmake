# Package.cmake - makes aic usable with find_package(aic) from both trees:
#
#   build tree:    cmake -S app -B app-build -Daic_DIR=<aic build dir>
#   install tree:  cmake --install <aic build dir> --prefix PREFIX
#                  cmake -S app -B app-build -DCMAKE_PREFIX_PATH=PREFIX
#                  (or -Daic_DIR=PREFIX/lib/cmake/aic)
#
# Both provide the imported targets aic::aicrt and aic::aicrt_static, the
# function aic_add_model() and, when the compiler is built,
# aic::aic-compile / aic::aic-run / aic::aic-opt. The export set
# aicTargets is shared with runtime/CMakeLists.txt, whose install(TARGETS
# aicrt EXPORT aicTargets ...) installs the library and headers.
include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

set(AIC_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/aic CACHE STRING
    "Where `cmake --install` puts aicConfig.cmake, relative to the prefix")

set(_aic_tools aic-compile aic-run aic-opt)
foreach(_tool IN LISTS _aic_tools)
  if(NOT TARGET ${_tool})
    list(REMOVE_ITEM _aic_tools ${_tool})
  endif()
endforeach()
if(_aic_tools)
  # Installed tools keep the rpaths of the libraries they link from outside
  # the project (libMLIR/libLLVM live in /usr/lib/llvm-19/lib, off the
  # loader's default path); aic-run also keeps its $ORIGIN/../lib for
  # libaicrt.
  set_target_properties(${_aic_tools} PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
  install(TARGETS ${_aic_tools} EXPORT aicTargets
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/aicConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  # 0.x: a minor release may break the API.
  COMPATIBILITY SameMinorVersion)

# Build tree: aicConfig.cmake, aicConfigVersion.cmake and aicTargets.cmake
# directly in the build directory, pointing at the built files.
export(EXPORT aicTargets NAMESPACE aic::
  FILE ${PROJECT_BINARY_DIR}/aicTargets.cmake)
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/aicConfig.cmake.in
  ${PROJECT_BINARY_DIR}/aicConfig.cmake
  INSTALL_DESTINATION ${PROJECT_BINARY_DIR})

# Install tree: relocatable files under PREFIX/lib/cmake/aic.
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/aicConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/aicConfig.cmake
  INSTALL_DESTINATION ${AIC_INSTALL_CMAKEDIR})
install(EXPORT aicTargets NAMESPACE aic::
  DESTINATION ${AIC_INSTALL_CMAKEDIR})
install(FILES
  ${PROJECT_BINARY_DIR}/cmake/aicConfig.cmake
  ${PROJECT_BINARY_DIR}/aicConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/aicAddModel.cmake
  DESTINATION ${AIC_INSTALL_CMAKEDIR})
# aic_add_model() beside the build tree's aicConfig.cmake too.
configure_file(${CMAKE_CURRENT_LIST_DIR}/aicAddModel.cmake
  ${PROJECT_BINARY_DIR}/aicAddModel.cmake COPYONLY)
