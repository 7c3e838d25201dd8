# Third-party code arrives as Debian source packages (scripts/bootstrap.sh runs
# `apt-get source` into REELCHECK_DEPS_DIR). We compile exactly the pieces we use, with our
# own mbedTLS configuration, identically for the native and the wasm build.

function(reelcheck_find_source out pkg probe)
  file(GLOB candidates LIST_DIRECTORIES true "${REELCHECK_DEPS_DIR}/${pkg}-*")
  foreach(dir IN LISTS candidates)
    if(IS_DIRECTORY "${dir}" AND EXISTS "${dir}/${probe}")
      get_filename_component(name "${dir}" NAME)
      message(STATUS "reelcheck: using Debian source package ${name}")
      set(${out} "${dir}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "Debian source package '${pkg}' not found in ${REELCHECK_DEPS_DIR}: "
                      "run scripts/bootstrap.sh first")
endfunction()

# --- mbedTLS: crypto + X.509 parsing only, configured by core/config/reelcheck_mbedtls_config.h
reelcheck_find_source(MBEDTLS_DIR mbedtls "include/mbedtls/x509_crt.h")
set(MBEDTLS_SOURCES aes aesni asn1parse asn1write base64 bignum constant_time ecdsa ecp
    ecp_curves md oid pem pk pk_wrap pkparse platform_util rsa rsa_internal sha256 sha512
    x509 x509_crt)
list(TRANSFORM MBEDTLS_SOURCES PREPEND "${MBEDTLS_DIR}/library/")
list(TRANSFORM MBEDTLS_SOURCES APPEND ".c")
add_library(rc_mbedtls STATIC ${MBEDTLS_SOURCES})
target_include_directories(rc_mbedtls SYSTEM PUBLIC "${MBEDTLS_DIR}/include"
                           "${CMAKE_SOURCE_DIR}/core/config")
target_compile_definitions(rc_mbedtls PUBLIC
    MBEDTLS_CONFIG_FILE="reelcheck_mbedtls_config.h")
# Optimised even in Debug/sanitizer builds: 7z key derivation is 2^19 SHA-256 rounds.
target_compile_options(rc_mbedtls PRIVATE -w -O2)
if(REELCHECK_FUZZ)
  # SHA-256 runs half a million rounds per 7z key: uninstrumented it is ~10x faster, which is
  # the difference between 2 and 20 executions a second for the encrypted-archive targets.
  # Its inputs are whole buffers owned by instrumented code, so ASan still sees misuse.
  set_source_files_properties("${MBEDTLS_DIR}/library/sha256.c" TARGET_DIRECTORY rc_mbedtls
    PROPERTIES COMPILE_OPTIONS "-fno-sanitize=all;-fsanitize-coverage=0")
endif()

# --- LZMA SDK (7-Zip's C/ folder): decoders and filters used by 7z archives
reelcheck_find_source(SEVENZIP_DIR 7zip "C/LzmaDec.c")
set(LZMA_SOURCES LzmaDec Lzma2Dec Bra Bra86 BraIA64 Delta 7zCrc 7zCrcOpt CpuArch)
list(TRANSFORM LZMA_SOURCES PREPEND "${SEVENZIP_DIR}/C/")
list(TRANSFORM LZMA_SOURCES APPEND ".c")
add_library(rc_lzma STATIC ${LZMA_SOURCES})
target_include_directories(rc_lzma SYSTEM PUBLIC "${SEVENZIP_DIR}/C")
target_compile_definitions(rc_lzma PUBLIC Z7_ST _7ZIP_ST)
target_compile_options(rc_lzma PRIVATE -w -O2)
if(REELCHECK_SANITIZE OR REELCHECK_FUZZ)
  # The SDK's branch filters read unaligned 32-bit words on purpose (valid on every target we
  # build for); keep every other UBSan check.
  target_compile_options(rc_lzma PRIVATE -fno-sanitize=alignment)
endif()

# --- zlib: the system library natively, the Debian source package for wasm
if(EMSCRIPTEN)
  reelcheck_find_source(ZLIB_DIR zlib "inflate.c")
  set(ZLIB_SOURCES adler32 crc32 inffast inflate inftrees zutil)
  list(TRANSFORM ZLIB_SOURCES PREPEND "${ZLIB_DIR}/")
  list(TRANSFORM ZLIB_SOURCES APPEND ".c")
  add_library(rc_zlib STATIC ${ZLIB_SOURCES})
  target_include_directories(rc_zlib SYSTEM PUBLIC "${ZLIB_DIR}")
  target_compile_options(rc_zlib PRIVATE -w)
  add_library(ZLIB::ZLIB ALIAS rc_zlib)
else()
  find_package(ZLIB REQUIRED)
endif()

# --- nlohmann_json (header-only, Debian nlohmann-json3-dev, used by both builds)
if(EMSCRIPTEN)
  # Its CMake package points at /usr/include, whose glibc headers must never reach the
  # Emscripten compiler: give the library an include folder holding only nlohmann/.
  find_path(NLOHMANN_INCLUDE nlohmann/json.hpp PATHS /usr/include NO_CMAKE_FIND_ROOT_PATH REQUIRED)
  set(NLOHMANN_ONLY "${CMAKE_BINARY_DIR}/nlohmann_include")
  file(MAKE_DIRECTORY "${NLOHMANN_ONLY}")
  file(CREATE_LINK "${NLOHMANN_INCLUDE}/nlohmann" "${NLOHMANN_ONLY}/nlohmann" SYMBOLIC)
  add_library(rc_nlohmann_json INTERFACE)
  target_include_directories(rc_nlohmann_json SYSTEM INTERFACE "${NLOHMANN_ONLY}")
  add_library(nlohmann_json::nlohmann_json ALIAS rc_nlohmann_json)
else()
  find_package(nlohmann_json 3 REQUIRED)
endif()
