// Prints how fast templates load (parse + evaluate + decode), HCL and JSON, for a small
// real template and a generated large one. A program that prints figures, not a test.
#include <chrono>
#include <cstdio>
#include <string>

#include "builder/template/spec.h"

namespace {

std::string large_hcl(int steps) {
  std::string t = "variable \"suite\" {\n  default = \"bookworm\"\n}\nlocals {\n  v = \"1.0\"\n}\n"
                  "source \"mmdebstrap\" \"d\" {\n  suite = var.suite\n}\nbuild {\n  sources = [\"source.mmdebstrap.d\"]\n";
  for (int i = 0; i < steps; ++i)
    t += "  provisioner \"shell\" {\n    inline = [\"echo ${var.suite} " + std::to_string(i) +
         "\", \"true\"]\n    env = { N = \"" + std::to_string(i) + "\" }\n  }\n";
  return t + "  post-processor \"manifest\" {}\n}\n";
}

std::string large_json(int steps) {
  std::string t = R"({"variable": {"suite": {"default": "bookworm"}}, "locals": {"v": "1.0"},
  "source": {"mmdebstrap": {"d": {"suite": "${var.suite}"}}},
  "build": {"sources": ["source.mmdebstrap.d"], "provisioner": [)";
  for (int i = 0; i < steps; ++i)
    t += std::string(i ? "," : "") + "{\"shell\": {\"inline\": [\"echo ${var.suite} " + std::to_string(i) +
         "\", \"true\"], \"env\": {\"N\": \"" + std::to_string(i) + "\"}}}";
  return t + "], \"post-processor\": [{\"manifest\": {}}]}}";
}

void measure(const char* label, const std::string& text, bool json, int rounds) {
  auto start = std::chrono::steady_clock::now();
  size_t steps = 0;
  for (int i = 0; i < rounds; ++i) steps += sarga::tmpl::load_template_text(text, "/bench/t", json).at(0).steps.size();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%-28s %8zu bytes  %8.3f ms/load  %7.1f MB/s  (%zu steps/load)\n", label, text.size(),
              seconds * 1000 / rounds, text.size() * rounds / seconds / 1e6, steps / rounds);
}

}  // namespace

int main() {
  measure("hcl, 10 steps", large_hcl(10), false, 2000);
  measure("json, 10 steps", large_json(10), true, 2000);
  measure("hcl, 5000 steps", large_hcl(5000), false, 10);
  measure("json, 5000 steps", large_json(5000), true, 10);
  return 0;
}
