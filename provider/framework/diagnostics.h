// Diagnostics: the errors and warnings a provider returns to OpenTofu. A diagnostic with an
// attribute path makes OpenTofu point at the HCL line of that attribute.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "provider/cty/path.h"

namespace sarga::framework {

enum class Severity { Error, Warning };

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string summary;
  std::string detail;
  std::optional<cty::Path> attribute;  // where in the config/state the problem is
};

class Diagnostics {
 public:
  void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
  void error(std::string summary, std::string detail = {});
  void error(const cty::Path& attribute, std::string summary, std::string detail = {});
  void warning(std::string summary, std::string detail = {});
  void warning(const cty::Path& attribute, std::string summary, std::string detail = {});
  void append(const Diagnostics& other);

  bool has_errors() const;
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

  // "error: summary: detail (at attr)" lines, for logs and test failure messages.
  std::string to_string() const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace sarga::framework
