# Flags as usage requirements of INTERFACE targets instead of global options, so every target
# states what it gets and third-party code is never warned about. The two every target meets:
#
#   reelcheck_warnings  our warning set; each of our targets links it PRIVATE (never PUBLIC:
#                       warnings are how a target is compiled, not what its users need).
#   reelcheck_sanitize  ASan + UBSan (REELCHECK_SANITIZE) or libFuzzer's coverage plus ASan +
#                       UBSan (REELCHECK_FUZZ), empty otherwise. Everything compiled must be
#                       instrumented alike, so the core links it PUBLIC (every front end, test and
#                       bench that uses the core inherits it) and the dependencies PRIVATE.
# Further down: reelcheck_fuzz_coverage, reelcheck_hot_code and reelcheck_test_code.

# The wasm build's exception model, for every target in it (ours and the third-party libraries;
# compile and link): native WebAssembly exceptions. Emscripten's default JavaScript-emulated
# exceptions (-fexceptions) run no C++ destructor when a JavaScript exception, such as one thrown
# by a progress callback, unwinds through wasm frames; with -fwasm-exceptions every cleanup runs
# (a JavaScript exception is caught by the cleanup pads and rethrown; `catch (...)` lets it
# pass). One model per module: objects of the two models do not link together. Debian's
# Emscripten 3.1.6 ships the matching prebuilt libc++/libc++abi/libunwind ("-except").
if(EMSCRIPTEN)
  add_compile_options(-fwasm-exceptions)
  add_link_options(-fwasm-exceptions)
endif()

add_library(reelcheck_warnings INTERFACE)
target_compile_options(reelcheck_warnings INTERFACE -Wall -Wextra)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # GCC 12 reports -Wrestrict false positives inside std::string's operator+ at -O2/-O3
  # (GCC bug 105329); they say nothing about our code.
  target_compile_options(reelcheck_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
endif()

add_library(reelcheck_sanitize INTERFACE)
if(REELCHECK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "REELCHECK_FUZZ needs clang: CC=clang CXX=clang++ cmake ...")
  endif()
  # Coverage feedback and sanitizers for everything the targets reach, dependencies included;
  # the fuzz targets add the libFuzzer driver (-fsanitize=fuzzer) themselves.
  # Line tables are all a crash report needs (file:line in the stack), and much cheaper than -g.
  set(REELCHECK_SANITIZE_COMPILE_FLAGS -fsanitize=fuzzer-no-link,address,undefined
      -fno-sanitize-recover=all -fno-omit-frame-pointer -gline-tables-only)
elseif(REELCHECK_SANITIZE)
  set(REELCHECK_SANITIZE_COMPILE_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=all)
endif()

# reelcheck_fuzz_coverage: with REELCHECK_FUZZ_SMOKE, the suite's fuzz smoke runs link the fuzz
# targets against this sanitizer build instead of a fuzz build of their own (its compile time).
# Coverage feedback without comparison tracing (-fsanitize=fuzzer-no-link's trace-cmp made the
# crypto tests 3x slower): enough for a few seconds on the seeds; campaigns use the fuzz preset.
# Only what the fuzz targets run is instrumented (the core, the worker wire formats, the
# dependencies: they link it PRIVATE); the tests and the CLI are not (it cost 16% of a test
# file's compile time, for counters nothing reads).
add_library(reelcheck_fuzz_coverage INTERFACE)
if(REELCHECK_FUZZ_SMOKE)
  if(NOT REELCHECK_SANITIZE OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "REELCHECK_FUZZ_SMOKE needs REELCHECK_SANITIZE and clang")
  endif()
  target_compile_options(reelcheck_fuzz_coverage INTERFACE
                         -fsanitize-coverage=inline-8bit-counters,pc-table)
endif()
if(REELCHECK_FUZZ OR REELCHECK_SANITIZE)
  target_compile_options(reelcheck_sanitize INTERFACE ${REELCHECK_SANITIZE_COMPILE_FLAGS})
  target_link_options(reelcheck_sanitize INTERFACE -fsanitize=address,undefined)
  # Tells tests to take their shorter runs (GCC's __SANITIZE_ADDRESS__ is not set by clang).
  target_compile_definitions(reelcheck_sanitize INTERFACE REELCHECK_SANITIZED_BUILD)
endif()

# reelcheck_hot_code: -O2 in a Debug sanitizer build for the code that does the work at test
# time (the core, and the P-384/RSA engines and their references in tests/). At -O0 every
# std::array subscript of the field arithmetic is a call, and the sanitizer suite spends minutes
# in it (the P-384 edge tests: 5.4 -> 0.3 s each); the tests' own code stays at -O0, which
# clang compiles about twice as fast. Targets link it PRIVATE; REELCHECK_HOT_CODE_FLAGS is the
# same for single source files (see tests/CMakeLists.txt).
set(REELCHECK_HOT_CODE_FLAGS "")
if((REELCHECK_SANITIZE OR REELCHECK_FUZZ) AND CMAKE_BUILD_TYPE STREQUAL "Debug")
  set(REELCHECK_HOT_CODE_FLAGS -O2)
endif()
add_library(reelcheck_hot_code INTERFACE)
target_compile_options(reelcheck_hot_code INTERFACE ${REELCHECK_HOT_CODE_FLAGS})

# reelcheck_test_code: the tests' own code at -Og in an optimised build. GCC compiles the
# gtest-heavy test files at -O3 in twice the time (cli_test.cpp 11.8 s, -Og 5.3 s) for nothing:
# what runs hot in the tests is the core, compiled with the build type's flags. Test files that
# instantiate the P-384 engine's inline arithmetic take REELCHECK_HOT_TEST_FLAGS instead (the
# linker keeps one copy of it, and it must be the optimised one; see tests/CMakeLists.txt).
set(REELCHECK_TEST_CODE_FLAGS "")
set(REELCHECK_HOT_TEST_FLAGS ${REELCHECK_HOT_CODE_FLAGS})
if(CMAKE_BUILD_TYPE STREQUAL "Release" AND NOT EMSCRIPTEN)
  set(REELCHECK_TEST_CODE_FLAGS -Og)
  set(REELCHECK_HOT_TEST_FLAGS -O3)
endif()
add_library(reelcheck_test_code INTERFACE)
target_compile_options(reelcheck_test_code INTERFACE ${REELCHECK_TEST_CODE_FLAGS})

# REELCHECK_COLD_CODE_FLAGS: -O0 in the sanitizer and fuzz builds for single core files that the
# tests and fuzz targets never run hot but that are expensive to optimise there (nlohmann's JSON
# parser and serializer under ASan: 10 s of compile at -O2, 4.6 s at -O0). Empty otherwise.
set(REELCHECK_COLD_CODE_FLAGS "")
if(REELCHECK_SANITIZE OR REELCHECK_FUZZ)
  set(REELCHECK_COLD_CODE_FLAGS -O0)
endif()

