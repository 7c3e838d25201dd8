# Precompiled headers for the native clang builds: the suite compiles the core and the tests three
# times (asan, release, fuzz), and most of a test file's compile time is spent re-reading
# gtest, nlohmann/json and the standard library. Only third-party and standard headers go in:
# our own headers change often, and a change to one would rebuild every file.
#
#   reelcheck_precompile(TARGET KIND)   KIND = core | tests | front
#
# Clang only (the asan and fuzz builds): GCC 12 saved 5% of the release build with them, and
# warned about its own headers (-Wstringop-overflow inside std::string, bug 105329) once they
# came from a PCH. Skipped for WebAssembly too, and when REELCHECK_PCH is OFF. A source compiled with other optimisation flags than its target (the
# hot code of a sanitizer build, REELCHECK_HOT_CODE_FLAGS) must not use the target's header:
# clang refuses a PCH whose __OPTIMIZE__ differs; such files set SKIP_PRECOMPILE_HEADERS.
option(REELCHECK_PCH "Precompiled headers for the native targets" ON)

set(REELCHECK_PCH_STD <algorithm> <array> <cstddef> <cstdint> <cstring> <functional> <map>
    <memory> <optional> <set> <span> <string> <string_view> <utility> <vector>)

function(reelcheck_precompile target kind)
  if(NOT REELCHECK_PCH OR EMSCRIPTEN OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    return()
  endif()
  set(headers ${REELCHECK_PCH_STD})
  if(kind STREQUAL "tests")
    list(APPEND headers <filesystem> <fstream> <random> <sstream> <gtest/gtest.h>
         <nlohmann/json.hpp>)
  elseif(kind STREQUAL "front")
    list(APPEND headers <filesystem> <fstream> <nlohmann/json.hpp>)
  elseif(NOT kind STREQUAL "core")
    message(FATAL_ERROR "reelcheck_precompile: unknown kind ${kind}")
  endif()
  list(TRANSFORM headers PREPEND "$<$<COMPILE_LANGUAGE:CXX>:")
  list(TRANSFORM headers APPEND ">")
  target_precompile_headers(${target} PRIVATE ${headers})
endfunction()
