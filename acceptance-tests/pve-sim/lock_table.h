// Guest config locks with flock semantics: many shared holders or one exclusive holder,
// acquired with a timeout. Lock names are the files PVE locks, so a timeout yields PVE's
// exact "can't lock file '<file>' - got timeout". A held lock is a shared_ptr: a task keeps
// it until it finishes, the last owner releases it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace sarga::pvesim {

class LockTable;

class HeldLock {
 public:
  HeldLock(LockTable& table, std::string file, bool shared)
      : table_(table), file_(std::move(file)), shared_(shared) {}
  ~HeldLock();
  HeldLock(const HeldLock&) = delete;
  HeldLock& operator=(const HeldLock&) = delete;
  const std::string& file() const { return file_; }
  bool shared() const { return shared_; }

 private:
  LockTable& table_;
  std::string file_;
  bool shared_;
};

class LockTable {
 public:
  // Waits up to `timeout`; throws ApiError 500 "can't lock file '<file>' - got timeout".
  std::shared_ptr<HeldLock> acquire(const std::string& file, bool shared,
                                    std::chrono::milliseconds timeout);
  // nullptr instead of throwing.
  std::shared_ptr<HeldLock> try_acquire(const std::string& file, bool shared,
                                        std::chrono::milliseconds timeout);
  bool is_locked(const std::string& file) const;

  // PVE's per-guest lock files.
  static std::string qemu_file(int vmid);  // /var/lock/qemu-server/lock-N.conf
  static std::string lxc_file(int vmid);   // /run/lock/lxc/pve-config-N.lock

 private:
  friend class HeldLock;
  void release(const std::string& file, bool shared);

  struct Entry {
    int shared = 0;
    bool exclusive = false;
  };
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Entry> entries_;
};

}  // namespace sarga::pvesim
