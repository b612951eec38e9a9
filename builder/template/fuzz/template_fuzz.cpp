// libFuzzer target: arbitrary bytes as an HCL and as a JSON template. Template errors are
// expected; any other exception, crash or hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "builder/template/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  for (bool json : {false, true}) {
    try {
      sarga::tmpl::load_template_text(text, json ? "/nonexistent/fuzz.pkr.json" : "/nonexistent/fuzz.pkr.hcl", json);
    } catch (const sarga::tmpl::TemplateError& e) {
      // what() must always be printable.
      (void)std::string(e.what()).size();
    }
  }
  return 0;
}
