// How a piece of the pipeline reports: progress events, the manifest's steps[] and
// cancellation. The Runner in run.cpp provides them; vm_image.cpp uses them.
#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "builder/template/spec.h"

namespace sarga::pipeline {

struct StepHooks {
  // kind, step, message, data, seconds (see Event in run.h); messages are redacted by the Runner.
  std::function<void(const std::string&, const std::string&, const std::string&, nlohmann::json, double)> emit;
  std::function<void(nlohmann::json)> record;  // one entry of the manifest's steps[]
  std::function<void()> check_cancel;          // throws when the build was cancelled
};

// "file:line:col: message" unless the message already starts with the file.
inline std::string located(const tmpl::SourceLocation& loc, const std::string& msg) {
  if (loc.line <= 0 || msg.rfind(loc.file, 0) == 0) return msg;
  return loc.str() + ": " + msg;
}

// Runs `body` as the step `name` of the post-processor at `where`: step-start, then
// step-done with the seconds and body's summary (a string), or the error located at the block.
template <typename F>
void timed_step(const StepHooks& hooks, const std::string& name, const std::string& start_message,
                const tmpl::SourceLocation& where, F&& body) {
  using Clock = std::chrono::steady_clock;
  hooks.check_cancel();
  auto start = Clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  hooks.emit("step-start", name, start_message, nullptr, 0);
  nlohmann::json report;
  std::string summary;
  try {
    summary = body(report);
  } catch (const std::exception& e) {
    hooks.record({{"name", name}, {"type", name}, {"seconds", seconds()}, {"status", "failed"}});
    throw std::runtime_error(located(where, e.what()));
  }
  double s = seconds();
  nlohmann::json entry = {{"name", name}, {"type", name}, {"seconds", s}, {"status", "ok"}};
  if (!report.is_null()) entry["report"] = report;
  hooks.record(entry);
  hooks.emit("step-done", name, summary, report, s);
}

}  // namespace sarga::pipeline
