#include "provider/framework/diagnostics.h"

namespace sarga::framework {

void Diagnostics::error(std::string summary, std::string detail) {
  add({Severity::Error, std::move(summary), std::move(detail), std::nullopt});
}

void Diagnostics::error(const cty::Path& attribute, std::string summary, std::string detail) {
  add({Severity::Error, std::move(summary), std::move(detail), attribute});
}

void Diagnostics::warning(std::string summary, std::string detail) {
  add({Severity::Warning, std::move(summary), std::move(detail), std::nullopt});
}

void Diagnostics::warning(const cty::Path& attribute, std::string summary, std::string detail) {
  add({Severity::Warning, std::move(summary), std::move(detail), attribute});
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::has_errors() const {
  for (const auto& d : items_) {
    if (d.severity == Severity::Error) return true;
  }
  return false;
}

std::string Diagnostics::to_string() const {
  std::string out;
  for (const auto& d : items_) {
    out += d.severity == Severity::Error ? "error: " : "warning: ";
    out += d.summary;
    if (!d.detail.empty()) out += ": " + d.detail;
    if (d.attribute && !d.attribute->empty()) out += " (at " + d.attribute->to_string() + ")";
    out += "\n";
  }
  return out;
}

}  // namespace sarga::framework
