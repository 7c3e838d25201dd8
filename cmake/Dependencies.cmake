# Third-party code arrives as Debian source packages (scripts/bootstrap.sh runs
# `apt-get source` into REELCHECK_DEPS_DIR). We compile exactly the pieces we use, with our
# own mbedTLS configuration, identically for the native and the wasm build.

# Exactly the versions pinned in cmake/third_party.lock ("name version dsc-sha256" per line).
set(REELCHECK_LOCK_FILE "${PROJECT_SOURCE_DIR}/cmake/third_party.lock")
set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             "${REELCHECK_LOCK_FILE}")
file(STRINGS "${REELCHECK_LOCK_FILE}" REELCHECK_PINS REGEX "^[^#]")

# Sets ${out} to build/_deps/<pkg>-<upstream version>/ after checking that the directory is
# there, that its .dsc has the pinned sha256 and that it holds ${probe}.
function(reelcheck_pinned_source out pkg probe)
  set(version "")
  foreach(line IN LISTS REELCHECK_PINS)
    if(line MATCHES "^${pkg}[ \t]+([^ \t]+)[ \t]+([0-9a-f]+)[ \t]*$")
      set(version "${CMAKE_MATCH_1}")
      set(pinned_sha "${CMAKE_MATCH_2}")
    endif()
  endforeach()
  if(version STREQUAL "")
    message(FATAL_ERROR "Third-party package '${pkg}' has no line in ${REELCHECK_LOCK_FILE}.")
  endif()
  # Debian version [epoch:]upstream[-revision]: NAME_VERSION-without-epoch.dsc unpacks to
  # NAME-UPSTREAM/.
  string(REGEX REPLACE "^[0-9]+:" "" no_epoch "${version}")
  string(REGEX REPLACE "-[^-]*$" "" upstream "${no_epoch}")
  set(dir "${REELCHECK_DEPS_DIR}/${pkg}-${upstream}")
  set(dsc "${REELCHECK_DEPS_DIR}/${pkg}_${no_epoch}.dsc")
  set(bootstrap "bash scripts/bootstrap.sh")
  if(NOT REELCHECK_DEPS_DIR STREQUAL "${PROJECT_SOURCE_DIR}/build/_deps")
    set(bootstrap "REELCHECK_DEPS_DIR=${REELCHECK_DEPS_DIR} ${bootstrap}")
  endif()
  set(fix "Fix: ${bootstrap} (fetches the pinned versions)")
  if(NOT IS_DIRECTORY "${dir}" OR NOT EXISTS "${dsc}")
    message(FATAL_ERROR "Third-party source ${pkg} ${version} (pinned in cmake/third_party.lock) "
                        "is missing: expected ${dir}/ and ${dsc}.\n${fix}")
  endif()
  file(SHA256 "${dsc}" actual_sha)
  if(NOT actual_sha STREQUAL pinned_sha)
    message(FATAL_ERROR "Third-party source ${pkg} does not match the pin: ${dsc} has sha256 "
                        "${actual_sha}, cmake/third_party.lock pins ${pinned_sha} for ${version}.\n"
                        "Fix: rm -rf ${REELCHECK_DEPS_DIR}/${pkg}-* ${REELCHECK_DEPS_DIR}/${pkg}_* "
                        "&& ${bootstrap} (or update the lock file if the change is "
                        "intended)")
  endif()
  if(NOT EXISTS "${dir}/${probe}")
    message(FATAL_ERROR "Third-party source ${pkg} ${version} in ${dir} is incomplete: "
                        "${probe} is missing.\nFix: rm -rf ${dir} && ${bootstrap}")
  endif()
  set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${dsc}")
  message(STATUS "reelcheck: ${pkg} ${version} from ${dir} (.dsc sha256 checked)")
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

# --- mbedTLS: crypto + X.509 parsing only, configured by core/config/reelcheck_mbedtls_config.h
reelcheck_pinned_source(MBEDTLS_DIR mbedtls "include/mbedtls/x509_crt.h")
set(MBEDTLS_SOURCES aes aesni asn1parse asn1write base64 bignum constant_time ecdsa ecp
    ecp_curves md oid pem pk pk_wrap pkparse platform_util rsa rsa_internal sha256 sha512
    x509 x509_crt)
list(TRANSFORM MBEDTLS_SOURCES PREPEND "${MBEDTLS_DIR}/library/")
list(TRANSFORM MBEDTLS_SOURCES APPEND ".c")
add_library(rc_mbedtls STATIC ${MBEDTLS_SOURCES})
target_include_directories(rc_mbedtls SYSTEM PUBLIC "${MBEDTLS_DIR}/include"
                           "${PROJECT_SOURCE_DIR}/core/config")
target_compile_definitions(rc_mbedtls PUBLIC
    MBEDTLS_CONFIG_FILE="reelcheck_mbedtls_config.h")
# Optimised even in Debug/sanitizer builds: 7z key derivation is 2^19 SHA-256 rounds.
target_compile_options(rc_mbedtls PRIVATE -w -O2)
target_link_libraries(rc_mbedtls PRIVATE reelcheck_sanitize reelcheck_fuzz_coverage)
# Static libraries are position-independent so that they link into PIE executables whatever the
# compiler's default.
set_target_properties(rc_mbedtls PROPERTIES POSITION_INDEPENDENT_CODE ON)
if(REELCHECK_FUZZ)
  # SHA-256 runs half a million rounds per 7z key: uninstrumented it is ~10x faster, which is
  # the difference between 2 and 20 executions a second for the encrypted-archive targets.
  # Its inputs are whole buffers owned by instrumented code, so ASan still sees misuse.
  set_source_files_properties("${MBEDTLS_DIR}/library/sha256.c" TARGET_DIRECTORY rc_mbedtls
    PROPERTIES COMPILE_OPTIONS "-fno-sanitize=all;-fsanitize-coverage=0")
endif()

# --- LZMA SDK (7-Zip's C/ folder): decoders and filters used by 7z archives
reelcheck_pinned_source(SEVENZIP_DIR 7zip "C/LzmaDec.c")
# core/src/archive/seven_zip_methods.cpp calls the branch converters through the z7_BranchConv
# API of LZMA SDK 23.01 and later; older SDKs named them differently.
file(STRINGS "${SEVENZIP_DIR}/C/Bra.h" BRA_API REGEX "z7_BranchConvSt_|BranchConv_(ARM64|RISCV)")
if(NOT BRA_API MATCHES "z7_BranchConvSt_" OR NOT BRA_API MATCHES "BranchConv_ARM64"
   OR NOT BRA_API MATCHES "BranchConv_RISCV")
  message(FATAL_ERROR "The 7zip source in ${SEVENZIP_DIR} lacks the z7_BranchConv API "
                      "(z7_BranchConvSt_X86_Dec, z7_BranchConv_ARM64_Dec, z7_BranchConv_RISCV_Dec in "
                      "C/Bra.h) that core/src/archive/seven_zip_methods.cpp needs: LZMA SDK 24.x or "
                      "later is required. Pin such a 7zip source package in cmake/third_party.lock "
                      "and run bash scripts/bootstrap.sh.")
endif()
set(LZMA_SOURCES LzmaDec Lzma2Dec Bra Bra86 BraIA64 Delta 7zCrc 7zCrcOpt CpuArch)
list(TRANSFORM LZMA_SOURCES PREPEND "${SEVENZIP_DIR}/C/")
list(TRANSFORM LZMA_SOURCES APPEND ".c")
add_library(rc_lzma STATIC ${LZMA_SOURCES})
target_include_directories(rc_lzma SYSTEM PUBLIC "${SEVENZIP_DIR}/C")
target_compile_definitions(rc_lzma PUBLIC Z7_ST _7ZIP_ST)
target_compile_options(rc_lzma PRIVATE -w -O2)
target_link_libraries(rc_lzma PRIVATE reelcheck_sanitize reelcheck_fuzz_coverage)
set_target_properties(rc_lzma PROPERTIES POSITION_INDEPENDENT_CODE ON)
if(REELCHECK_SANITIZE OR REELCHECK_FUZZ)
  # The SDK's branch filters read unaligned 32-bit words on purpose (valid on every target we
  # build for); keep every other UBSan check. A source property, so that it comes after the
  # -fsanitize flags reelcheck_sanitize adds to the target.
  set_source_files_properties(${LZMA_SOURCES} TARGET_DIRECTORY rc_lzma
    PROPERTIES COMPILE_OPTIONS -fno-sanitize=alignment)
endif()

# --- zlib: the system library natively, the Debian source package for wasm
if(EMSCRIPTEN)
  reelcheck_pinned_source(ZLIB_DIR zlib "inflate.c")
  set(ZLIB_SOURCES adler32 crc32 inffast inflate inftrees zutil)
  list(TRANSFORM ZLIB_SOURCES PREPEND "${ZLIB_DIR}/")
  list(TRANSFORM ZLIB_SOURCES APPEND ".c")
  add_library(rc_zlib STATIC ${ZLIB_SOURCES})
  target_include_directories(rc_zlib SYSTEM PUBLIC "${ZLIB_DIR}")
  target_compile_options(rc_zlib PRIVATE -w)
  target_link_libraries(rc_zlib PRIVATE reelcheck_sanitize reelcheck_fuzz_coverage)
  set_target_properties(rc_zlib PROPERTIES POSITION_INDEPENDENT_CODE ON)
  add_library(ZLIB::ZLIB ALIAS rc_zlib)
else()
  find_package(ZLIB REQUIRED)
endif()

# --- nlohmann_json (header-only, Debian nlohmann-json3-dev, used by both builds)
if(EMSCRIPTEN)
  # Its CMake package points at /usr/include, whose glibc headers must never reach the
  # Emscripten compiler: give the library an include folder holding only nlohmann/.
  find_path(NLOHMANN_INCLUDE nlohmann/json.hpp PATHS /usr/include NO_CMAKE_FIND_ROOT_PATH REQUIRED)
  set(NLOHMANN_ONLY "${PROJECT_BINARY_DIR}/nlohmann_include")
  file(MAKE_DIRECTORY "${NLOHMANN_ONLY}")
  file(CREATE_LINK "${NLOHMANN_INCLUDE}/nlohmann" "${NLOHMANN_ONLY}/nlohmann" SYMBOLIC)
  add_library(rc_nlohmann_json INTERFACE)
  target_include_directories(rc_nlohmann_json SYSTEM INTERFACE "${NLOHMANN_ONLY}")
  add_library(nlohmann_json::nlohmann_json ALIAS rc_nlohmann_json)
else()
  find_package(nlohmann_json 3 REQUIRED)
endif()
