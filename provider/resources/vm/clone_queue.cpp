#include "provider/resources/vm/clone_queue.h"

#include <map>
#include <memory>

namespace sarga::resources::vm {

std::unique_lock<std::mutex> queue_clone(int source_vmid, const std::function<bool(std::chrono::milliseconds)>& sleep) {
  static std::mutex registry_mutex;
  static std::map<int, std::unique_ptr<std::mutex>> per_source;  // a few entries, never shrinks
  std::mutex* m;
  {
    std::lock_guard<std::mutex> lk(registry_mutex);
    auto& slot = per_source[source_vmid];
    if (!slot) slot = std::make_unique<std::mutex>();
    m = slot.get();
  }
  std::unique_lock<std::mutex> lock(*m, std::defer_lock);
  while (!lock.try_lock())
    if (sleep(std::chrono::milliseconds(50))) break;  // cancelled: returned unowned
  return lock;
}

}  // namespace sarga::resources::vm
