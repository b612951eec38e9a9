// What every step gets: the rootfs, the build's SOURCE_DATE_EPOCH, a line logger,
// a cancellation flag and the secrets to keep out of logs.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace sarga::steps {

struct StepContext {
  std::filesystem::path rootfs;
  std::int64_t source_date_epoch = 0;
  std::function<void(const std::string&)> log;  // one line of step output; may be empty
  std::atomic<bool>* cancel = nullptr;
  std::vector<std::string> secrets;             // replaced by "<sensitive>" in logged output

  void say(const std::string& line) const;      // redacts, then calls log
  bool cancelled() const { return cancel && cancel->load(); }
};

std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace sarga::steps
