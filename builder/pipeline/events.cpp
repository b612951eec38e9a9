#include <chrono>
#include <ctime>
#include <iomanip>
#include <mutex>
#include <ostream>
#include <sstream>

#include "builder/pipeline/run.h"

namespace sarga::pipeline {

namespace {
std::mutex& output_mutex() {
  static std::mutex m;
  return m;
}
std::string now_iso8601() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::ostringstream ss;
  ss << std::put_time(&tm, "%Y-%m-%dT%H:%M:%S") << '.' << std::setw(3) << std::setfill('0') << ms << 'Z';
  return ss.str();
}
}  // namespace

EventSink human_sink(std::ostream& out) {
  return [&out](const Event& e) {
    std::ostringstream line;
    line << std::fixed << std::setprecision(1);
    if (e.kind == "log") {
      line << "    " << e.build << ": " << e.message;
    } else if (e.kind == "step-done") {
      line << "==> " << e.build << ": " << e.step << " done in " << e.seconds << "s";
      if (!e.message.empty()) line << " (" << e.message << ")";
    } else if (e.kind == "build-done") {
      line << "==> " << e.build << ": " << e.message << " in " << e.seconds << "s";
    } else if (e.kind == "error") {
      line << "==> " << e.build << ": ERROR" << (e.step.empty() ? "" : " in " + e.step) << ": " << e.message;
    } else if (e.kind == "artifact") {
      line << "==> " << e.build << ": artifact " << e.message;
    } else {
      line << "==> " << e.build << ": " << (e.step.empty() ? "" : e.step + ": ") << e.message;
    }
    std::lock_guard<std::mutex> lock(output_mutex());
    out << line.str() << std::endl;
  };
}

EventSink json_lines_sink(std::ostream& out) {
  return [&out](const Event& e) {
    nlohmann::json j = {{"time", now_iso8601()}, {"build", e.build}, {"kind", e.kind}};
    if (!e.step.empty()) j["step"] = e.step;
    if (e.kind == "step-done" || e.kind == "build-done") j["seconds"] = e.seconds;
    if (!e.message.empty()) j["message"] = e.message;
    if (!e.data.is_null()) j["data"] = e.data;
    std::lock_guard<std::mutex> lock(output_mutex());
    out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
  };
}

}  // namespace sarga::pipeline
