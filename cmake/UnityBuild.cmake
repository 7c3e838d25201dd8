# Unity builds for our own targets (never the Debian sources of mbedTLS, the LZMA SDK or zlib,
# which are not written for them): a target's sources are compiled a batch at a time, so the
# headers they share (the standard library, gtest, nlohmann/json) are parsed and their templates
# instantiated once per batch instead of once per file. Measured alone on this 2-core machine,
# whole builds: release 187 -> 116 CPU-s, asan 165 -> 139, wasm 83 -> 54.
#
#   reelcheck_unity_build(TARGET [SKIP source...])
#
# SKIP: sources compiled on their own all the same (the arithmetic the benchmarks measure, whose
# inlining should not depend on its neighbours). CMake also leaves out, by itself, every source
# with its own COMPILE_OPTIONS (the hot and cold files of cmake/TargetFlags.cmake).
#
# On in the release, asan and wasm presets (the suite); off by default, and in the fuzz preset,
# which so compiles every file on its own: a source that only compiled thanks to an include of
# its batch neighbours shows there (cmake -DREELCHECK_UNITY_BUILD=OFF does the same anywhere).
option(REELCHECK_UNITY_BUILD "Compile our targets in batches (CMake unity builds)" OFF)
set(REELCHECK_UNITY_BATCH_SIZE 8 CACHE STRING "Sources per unity batch")

function(reelcheck_unity_build target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SKIP")
  if(NOT REELCHECK_UNITY_BUILD)
    return()
  endif()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON
                        UNITY_BUILD_BATCH_SIZE ${REELCHECK_UNITY_BATCH_SIZE})
  # In a batch every source is an included file, and GCC's check meant for headers (a class
  # whose member's type is in an anonymous namespace) then fires on a .cpp's own Impl.
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-Wno-subobject-linkage>)
  if(arg_SKIP)
    set_source_files_properties(${arg_SKIP} PROPERTIES
                                SKIP_UNITY_BUILD_INCLUSION ON)
  endif()
endfunction()
