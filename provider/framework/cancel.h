// Cancellation for in-flight work: StopProvider cancels every token handed out so far.
// Resource code polls cancelled() between steps or sleeps with wait_for(), which returns
// early when the provider is stopped. Thread-safe; tokens are cheap to copy.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace sarga::framework {

class CancelToken {
 public:
  CancelToken();  // a token that is never cancelled unless made by a CancelSource

  bool cancelled() const;
  // Sleeps up to `timeout`; returns true when cancelled (possibly before the timeout).
  bool wait_for(std::chrono::milliseconds timeout) const;
  // Runs `callback` once when cancelled (immediately when already cancelled). Callbacks run
  // on the cancelling thread and must be quick (e.g. abort a transfer). Returns an id for
  // remove_callback(); callbacks are dropped when the source is cancelled.
  uint64_t on_cancel(std::function<void()> callback) const;
  void remove_callback(uint64_t id) const;

  struct State;

 private:
  friend class CancelSource;
  explicit CancelToken(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

class CancelSource {
 public:
  CancelSource();
  CancelToken token() const;
  void cancel();
  bool cancelled() const;

 private:
  std::shared_ptr<CancelToken::State> state_;
};

}  // namespace sarga::framework
