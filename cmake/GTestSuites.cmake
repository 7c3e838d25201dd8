# reelcheck_add_gtest_suites(TARGET [PREFIX p] [SPLIT suite...] [LONG suite...]
#                            [PROPERTIES prop value ...])
#
# One CTest test per GoogleTest test suite (`ctest -R Cli` runs the CLI's suite; the binary's
# --gtest_filter picks a single test), instead of gtest_discover_tests' one process per test:
# under ASan a test process costs about 0.1-0.16 s before its first assertion (relocations,
# the sanitizer's start, the leak check at exit), and every test of a suite paid again for what
# the suite builds (the P-384 tables, a fixture's verification). The sanitizer ctest took 188
# CPU-s per suite (ctest -j3) against 295 per test (one at a time), 2026-12-04.
# SPLIT: suites that stay one test per process (the P-384 differential's shards, which ctest -j
# spreads over the cores). LONG: suites (split or not) that get a high COST, so that ctest starts
# them first and the short ones fill in around them.
# Like gtest_discover_tests(DISCOVERY_MODE PRE_TEST), the suites are listed when ctest runs,
# again only after the executable changed.
set(REELCHECK_GTEST_SUITES_WRITER "${CMAKE_CURRENT_LIST_DIR}/GTestSuitesAddTests.cmake")

function(reelcheck_add_gtest_suites target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "PREFIX" "SPLIT;LONG;PROPERTIES")
  set(ctest_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake")
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites_include.cmake")
  # Lists travel comma-separated (no suite name or property value here holds a comma).
  string(REPLACE ";" "," split "${arg_SPLIT}")
  string(REPLACE ";" "," long "${arg_LONG}")
  string(REPLACE ";" "," props "${arg_PROPERTIES}")
  file(GENERATE OUTPUT "${include_file}" CONTENT
"set(exe [==[$<TARGET_FILE:${target}>]==])
set(suites_file [==[${ctest_file}]==])
if(EXISTS \"\${exe}\")
  if(NOT EXISTS \"\${suites_file}\" OR NOT \"\${suites_file}\" IS_NEWER_THAN \"\${exe}\" OR
     NOT \"\${suites_file}\" IS_NEWER_THAN \"\${CMAKE_CURRENT_LIST_FILE}\")
    include([==[${REELCHECK_GTEST_SUITES_WRITER}]==])
    reelcheck_write_gtest_suites(EXE \"\${exe}\" OUT \"\${suites_file}\"
      WORKDIR [==[${CMAKE_CURRENT_BINARY_DIR}]==] PREFIX [==[${arg_PREFIX}]==]
      SPLIT [==[${split}]==] LONG [==[${long}]==] PROPERTIES [==[${props}]==])
  endif()
  include(\"\${suites_file}\")
else()
  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)
endif()
")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()
