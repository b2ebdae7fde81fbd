#ifndef TIANBAO_CCRYPTO_SHIM_H
#define TIANBAO_CCRYPTO_SHIM_H

/* SHA-256 is taken from its low-level functions (SHA256_Init/Update/Final), which OpenSSL 3
   marks deprecated: the EVP path fetches the algorithm from a provider, and the first fetch
   initialises the whole library (its configuration file, every algorithm), about a millisecond
   that every command would pay before printing anything. The low-level functions run the same
   assembly and touch nothing else. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#endif
