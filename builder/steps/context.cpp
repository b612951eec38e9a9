#include "builder/steps/context.h"

namespace sarga::steps {

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    if (s.empty()) continue;
    for (size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 11))
      text.replace(pos, s.size(), "<sensitive>");
  }
  return text;
}

void StepContext::say(const std::string& line) const {
  if (log) log(redact(line, secrets));
}

}  // namespace sarga::steps
