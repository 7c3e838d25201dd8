# Flags as usage requirements of two INTERFACE targets instead of global options, so every
# target states what it gets and third-party code is never warned about.
#
#   reelcheck_warnings  our warning set; each of our targets links it PRIVATE (never PUBLIC:
#                       warnings are how a target is compiled, not what its users need).
#   reelcheck_sanitize  ASan + UBSan (REELCHECK_SANITIZE) or libFuzzer's coverage plus ASan +
#                       UBSan (REELCHECK_FUZZ), empty otherwise. Everything compiled must be
#                       instrumented alike, so the core links it PUBLIC (every front end, test and
#                       bench that uses the core inherits it) and the dependencies PRIVATE.

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
  set(REELCHECK_SANITIZE_COMPILE_FLAGS -fsanitize=fuzzer-no-link,address,undefined
      -fno-sanitize-recover=all -fno-omit-frame-pointer -g)
elseif(REELCHECK_SANITIZE)
  set(REELCHECK_SANITIZE_COMPILE_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=all)
endif()
if(REELCHECK_FUZZ OR REELCHECK_SANITIZE)
  target_compile_options(reelcheck_sanitize INTERFACE ${REELCHECK_SANITIZE_COMPILE_FLAGS})
  target_link_options(reelcheck_sanitize INTERFACE -fsanitize=address,undefined)
endif()

