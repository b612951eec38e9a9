#include "provider/framework/cancel.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <vector>

namespace sarga::framework {

struct CancelToken::State {
  std::mutex mutex;
  std::condition_variable changed;
  bool cancelled = false;
  uint64_t next_id = 1;
  std::map<uint64_t, std::function<void()>> callbacks;
};

CancelToken::CancelToken() : state_(std::make_shared<State>()) {}

bool CancelToken::cancelled() const {
  std::lock_guard lock(state_->mutex);
  return state_->cancelled;
}

bool CancelToken::wait_for(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, timeout, [&] { return state_->cancelled; });
}

uint64_t CancelToken::on_cancel(std::function<void()> callback) const {
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->cancelled) {
      uint64_t id = state_->next_id++;
      state_->callbacks.emplace(id, std::move(callback));
      return id;
    }
  }
  callback();  // already cancelled: run now, outside the lock
  return 0;
}

void CancelToken::remove_callback(uint64_t id) const {
  std::lock_guard lock(state_->mutex);
  state_->callbacks.erase(id);
}

CancelSource::CancelSource() : state_(std::make_shared<CancelToken::State>()) {}

CancelToken CancelSource::token() const { return CancelToken(state_); }

void CancelSource::cancel() {
  std::map<uint64_t, std::function<void()>> callbacks;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->cancelled) return;
    state_->cancelled = true;
    callbacks.swap(state_->callbacks);
  }
  state_->changed.notify_all();
  for (auto& [id, callback] : callbacks) callback();
}

bool CancelSource::cancelled() const {
  std::lock_guard lock(state_->mutex);
  return state_->cancelled;
}

}  // namespace sarga::framework
