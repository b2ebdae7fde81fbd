// libFuzzer's entry for programs with their own main (it ships with the toolchain's clang runtime,
// linked by -sanitize=fuzzer). SwiftPM gives every executable a main of its own, so the fuzz
// runner starts libFuzzer through this rather than through libFuzzer's main.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
