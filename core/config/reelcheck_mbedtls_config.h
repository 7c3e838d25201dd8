/*
 * Reelcheck's mbedTLS configuration: exactly what verifying an OPTIGA Trust M bundle needs,
 * nothing else. No TLS, no networking, no entropy, no clock: certificate validity windows are
 * checked by Reelcheck against an explicit check time, so MBEDTLS_HAVE_TIME_DATE stays off
 * (it would make mbedTLS consult the system clock behind our back).
 *
 * Used unchanged by the native and the WebAssembly build.
 */
#ifndef REELCHECK_MBEDTLS_CONFIG_H
#define REELCHECK_MBEDTLS_CONFIG_H

/* Platform: assembly bignum/AES only where a real CPU is underneath. */
#if !defined(__EMSCRIPTEN__) && (defined(__x86_64__) || defined(__aarch64__))
#define MBEDTLS_HAVE_ASM
#endif
#if !defined(__EMSCRIPTEN__) && defined(__x86_64__)
#define MBEDTLS_AESNI_C
#endif

/* 7z AES-256 coder: AES-256-CBC, key = SHA-256 iterated over salt + UTF-16LE password. */
#define MBEDTLS_AES_C
#define MBEDTLS_CIPHER_MODE_CBC
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C /* SHA-384 and SHA-512 signatures (ECC root, CA 306, devices) */
#define MBEDTLS_MD_C

/* Public-key crypto used by the Infineon PKI. */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED /* device keys, slots E0E0/E0E1 */
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED /* Trust M CA 306 */
#define MBEDTLS_ECP_DP_SECP521R1_ENABLED /* ECC Root CA 2 */
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_WINDOW_SIZE 6 /* larger cached comb tables for G and the CA key (see pki/ecdsa_fixed_base.hpp) */
#define MBEDTLS_ECP_NO_INTERNAL_RNG /* verification only: no secret scalars, no RNG needed */
#define MBEDTLS_RSA_C
/* Parse RSA keys up to 16,384 bits (default 8,192) so that an oversized trust anchor is
 * refused by Reelcheck's own TrustLimits with a message that names the size, instead of
 * failing to parse; anchors are limited to 4,096 bits before any key is used. */
#define MBEDTLS_MPI_MAX_SIZE 2048
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT

/* Parsing: ASN.1, OIDs, keys, X.509 certificates, PEM. */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C /* ECDSA signature (r, s) decoding needs it */
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_BASE64_C

#include "mbedtls/check_config.h"

#endif /* REELCHECK_MBEDTLS_CONFIG_H */
