// What the process does to itself so that its secrets stay in its memory:
// the API key's environment variable is wiped once read, and a crash writes
// no core file (which would hold the key and the bearer tokens).

#ifndef GATEWAY_SECURITY_PROCESS_HARDENING_H_
#define GATEWAY_SECURITY_PROCESS_HARDENING_H_

#include "absl/status/status.h"

namespace gateway::security {

// Overwrites the value of environment variable `name` where it lies, then
// removes the variable. unsetenv() alone would leave the value readable in
// /proc/<pid>/environ, which shows the environment block the process
// started with. Call before any thread starts: the environment is not
// thread-safe.
void WipeEnvironmentVariable(const char* name);

// Sets the core-file size limit, soft and hard, to zero, so that no crash
// and no later setrlimit by a library can write the process's memory to
// disk.
absl::Status DisableCoreDumps();

}  // namespace gateway::security

#endif  // GATEWAY_SECURITY_PROCESS_HARDENING_H_
