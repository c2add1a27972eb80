/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The process a tool runs in: keeping key material out of core dumps and away from other
 * processes of the same user.
 */
#ifndef LIBCERT_PROCESS_H
#define LIBCERT_PROCESS_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The environment variable that keeps core dumps and debugger attachment possible. */
#define CERT_ALLOW_CORE_ENV "LIBCERT_ALLOW_CORE"

/**
 * Harden the calling process before it reads a private key or AWS credentials: call it first
 * thing in main(), before any thread is started and any secret is read. A crash would otherwise
 * write the raw private scalar, passphrases and AWS secrets to a core file.
 *
 * - RLIMIT_CORE goes to 0 (soft and hard): no core file where core_pattern names a file;
 * - PR_SET_DUMPABLE goes to 0: no core even where core_pattern pipes to a handler (which
 *   ignores RLIMIT_CORE), no ptrace attach by another process of the same user, /proc/PID/mem
 *   and environ readable by root only;
 * - OpenSSL's secure heap (CRYPTO_secure_malloc_init, CERT_SECURE_HEAP_SIZE bytes): what
 *   OpenSSL allocates securely (private key components) lives in pages that are locked in
 *   memory where RLIMIT_MEMLOCK allows, guarded, left out of core dumps and wiped on free.
 *
 * With CERT_ALLOW_CORE_ENV ("LIBCERT_ALLOW_CORE") set to 1 in the environment the first two are
 * skipped, for debugging (they also stop gdb -p and a core for a bug report); the secure heap
 * stays. Calling it again does nothing more.
 *
 * @return CERT_OK; CERT_E_INTERNAL when setrlimit() or prctl() failed (the message names the
 *         step; the process is as hardened as the other steps made it). A secure heap OpenSSL
 *         cannot make (no mmap) is not an error: OpenSSL then uses its ordinary heap.
 */
CERT_EXTERN cert_err cert_process_harden(void);

/** The secure heap's size, 4 MiB: an RSA-4096 key's private components take 1,792 bytes of it
 * (measured: 100 keys, 179,200 bytes), so it holds about 2,300 such keys at once, twice the
 * largest bundle (1,000 items). A full heap fails the allocation (OpenSSL does not fall back
 * to its ordinary heap), so it errs large. */
#define CERT_SECURE_HEAP_SIZE (4u << 20)

#ifdef __cplusplus
}
#endif

#endif
