// A template file's text with a line table: byte offsets -> line:col, caret excerpts,
// and the one way this module raises TemplateError.
#pragma once

#include <string>
#include <vector>

#include "builder/template/spec.h"

namespace sarga::tmpl {

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);
  // Text derived from `parent` at `base` (a decoded JSON string): locations and excerpts
  // are the parent's, offsets mapped one to one (exact up to escape sequences).
  SourceFile(const SourceFile& parent, size_t base, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  SourceLocation location(size_t offset) const;
  // The line holding `offset` and a caret under it.
  std::string excerpt(size_t offset) const;
  [[noreturn]] void fail(size_t offset, const std::string& message) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<size_t> line_starts_;
  const SourceFile* parent_ = nullptr;
  size_t base_ = 0;
};

// Raises a TemplateError at a location known from the AST (excerpt read back from the file
// when `file` is given).
[[noreturn]] void fail_at(const SourceFile* file, size_t offset, const std::string& message);

// Reads a whole file; throws TemplateError("path:0:0: cannot read ...") when it can't.
std::string read_text_file(const std::string& path, const std::string& what);

// Did-you-mean: the closest candidate within a small edit distance, or "".
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);
// " Did you mean \"x\"?" or "" (ready to append to a message).
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace sarga::tmpl
