# Writes a .cpp that holds the generated schema JSON as a string (cmake -P embed.cmake
# -DIN=<json> -DOUT=<cpp>). Raw string pieces stay below compilers' literal limits.
file(READ "${IN}" content)
string(LENGTH "${content}" total)
set(pieces "")
set(step 30000)
set(pos 0)
while(pos LESS total)
  string(SUBSTRING "${content}" ${pos} ${step} piece)
  string(APPEND pieces "R\"pvejson(${piece})pvejson\"\n")
  math(EXPR pos "${pos} + ${step}")
endwhile()
file(WRITE "${OUT}.tmp" "// Generated from ${IN} by embed.cmake; do not edit.
#include <string_view>
namespace sarga::pvesim::schema {
namespace {
const char kSchemaJson[] =
${pieces};
}  // namespace
std::string_view embedded_schema_json() { return {kSchemaJson, sizeof(kSchemaJson) - 1}; }
}  // namespace sarga::pvesim::schema
")
file(RENAME "${OUT}.tmp" "${OUT}")
