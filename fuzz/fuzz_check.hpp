#pragma once
// Shared by the harnesses of fuzz/: a property every accepted input must have. A broken property
// aborts, which libFuzzer reports as a crash with the input saved (docs/generated/fuzzing.md).
#include <cstdio>
#include <cstdlib>

#define SRF_FUZZ_CHECK(cond)                                                            \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)
