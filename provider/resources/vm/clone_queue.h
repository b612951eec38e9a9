// Clones of one running source run one at a time in this provider process: PVE locks a
// running source exclusively for the whole clone and gives other clones only 1 s before
// "got timeout", so queueing here (plus lock-timeout retries in lib/pve for other
// processes) keeps `-parallelism=10` working. Templates and stopped sources are locked
// shared by PVE and are cloned in parallel.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

namespace sarga::resources::vm {

// Waits for the turn of `source_vmid` and returns it held (released when the lock goes out
// of scope). `sleep(d)` pauses between tries and returns true when cancelled; then the
// returned lock is not owned.
std::unique_lock<std::mutex> queue_clone(int source_vmid, const std::function<bool(std::chrono::milliseconds)>& sleep);

}  // namespace sarga::resources::vm
