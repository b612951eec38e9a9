#include "acceptance-tests/pve-sim/lock_table.h"

#include "acceptance-tests/pve-sim/api_error.h"

namespace sarga::pvesim {

HeldLock::~HeldLock() { table_.release(file_, shared_); }

std::shared_ptr<HeldLock> LockTable::try_acquire(const std::string& file, bool shared,
                                                 std::chrono::milliseconds timeout) {
  std::unique_lock lk(mutex_);
  auto free_for_us = [&] {
    auto it = entries_.find(file);
    if (it == entries_.end()) return true;
    return shared ? !it->second.exclusive : (!it->second.exclusive && it->second.shared == 0);
  };
  if (!changed_.wait_for(lk, timeout, free_for_us)) return nullptr;
  Entry& e = entries_[file];
  if (shared)
    ++e.shared;
  else
    e.exclusive = true;
  return std::make_shared<HeldLock>(*this, file, shared);
}

std::shared_ptr<HeldLock> LockTable::acquire(const std::string& file, bool shared,
                                             std::chrono::milliseconds timeout) {
  auto lock = try_acquire(file, shared, timeout);
  if (!lock) throw server_error("can't lock file '" + file + "' - got timeout");
  return lock;
}

bool LockTable::is_locked(const std::string& file) const {
  std::lock_guard lk(mutex_);
  return entries_.count(file) > 0;
}

void LockTable::release(const std::string& file, bool shared) {
  {
    std::lock_guard lk(mutex_);
    auto it = entries_.find(file);
    if (it == entries_.end()) return;
    if (shared)
      --it->second.shared;
    else
      it->second.exclusive = false;
    if (it->second.shared <= 0 && !it->second.exclusive) entries_.erase(it);
  }
  changed_.notify_all();
}

std::string LockTable::qemu_file(int vmid) {
  return "/var/lock/qemu-server/lock-" + std::to_string(vmid) + ".conf";
}

std::string LockTable::lxc_file(int vmid) {
  return "/run/lock/lxc/pve-config-" + std::to_string(vmid) + ".lock";
}

}  // namespace sarga::pvesim
