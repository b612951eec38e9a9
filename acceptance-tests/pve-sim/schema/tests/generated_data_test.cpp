// The committed schema data must be what generate.py makes from ../shared/pve/apidata.json,
// and the library must embed exactly the committed file.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "acceptance-tests/pve-sim/schema/schema.h"

namespace sarga::pvesim::schema {
std::string_view embedded_schema_json();
}

namespace fs = std::filesystem;
using namespace sarga::pvesim::schema;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << p;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path source_dir() {
  const char* env = std::getenv("SARGA_SOURCE_DIR");
  return env ? fs::path(env) : fs::path(SARGA_SOURCE_DIR);
}

const fs::path kCommitted = "acceptance-tests/pve-sim/schema/data/pve-api-schema.json";

TEST(PveSchemaData, EmbeddedCopyIsTheCommittedFile) {
  std::string committed = read_file(source_dir() / kCommitted);
  ASSERT_FALSE(committed.empty());
  EXPECT_TRUE(committed == embedded_schema_json()) << "rebuild: the embedded schema is stale";
}

TEST(PveSchemaData, CommittedFileMatchesTheGeneratorOutput) {
  fs::path apidata = source_dir() / ".." / "shared" / "pve" / "apidata.json";
  std::string committed = read_file(source_dir() / kCommitted);
  if (!fs::exists(apidata)) {
    // Without the shared schema (a user's checkout) the generator cannot run; CI has it.
    ASSERT_EQ(std::getenv("CI"), nullptr) << "CI must have " << apidata;
    EXPECT_NE(committed.find("\"source_sha256\""), std::string::npos);
    return;
  }
  const char* bin = std::getenv("SARGA_BINARY_DIR");
  fs::path out = fs::path(bin ? bin : SARGA_BINARY_DIR) / "pve-api-schema.regenerated.json";
  std::string cmd = "python3 '" + (source_dir() / "acceptance-tests/pve-sim/schema/generate.py").string() +
                    "' --apidata '" + apidata.string() + "' --out '" + out.string() + "' >/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::string fresh = read_file(out);
  fs::remove(out);
  EXPECT_TRUE(fresh == committed)
      << "data/pve-api-schema.json has drifted from ../shared/pve/apidata.json: run "
         "acceptance-tests/pve-sim/schema/generate.py and commit the result";
}

TEST(PveSchemaData, CoversTheEndpointsTheSimulatorServes) {
  const Schema& s = Schema::builtin();
  EXPECT_GT(s.endpoint_count(), 600u);
  const char* needed[][2] = {
      {"GET", "/version"},
      {"GET", "/cluster/status"},
      {"GET", "/cluster/resources"},
      {"GET", "/cluster/nextid"},
      {"GET", "/cluster/tasks"},
      {"GET", "/nodes"},
      {"GET", "/nodes/{node}"},
      {"GET", "/nodes/{node}/status"},
      {"GET", "/nodes/{node}/storage"},
      {"GET", "/nodes/{node}/storage/{storage}/status"},
      {"GET", "/nodes/{node}/storage/{storage}/content"},
      {"GET", "/nodes/{node}/storage/{storage}/content/{volume}"},
      {"DELETE", "/nodes/{node}/storage/{storage}/content/{volume}"},
      {"POST", "/nodes/{node}/storage/{storage}/upload"},
      {"POST", "/nodes/{node}/storage/{storage}/download-url"},
      {"POST", "/nodes/{node}/qemu"},
      {"GET", "/nodes/{node}/qemu"},
      {"DELETE", "/nodes/{node}/qemu/{vmid}"},
      {"GET", "/nodes/{node}/qemu/{vmid}/config"},
      {"PUT", "/nodes/{node}/qemu/{vmid}/config"},
      {"POST", "/nodes/{node}/qemu/{vmid}/config"},
      {"GET", "/nodes/{node}/qemu/{vmid}/pending"},
      {"PUT", "/nodes/{node}/qemu/{vmid}/resize"},
      {"POST", "/nodes/{node}/qemu/{vmid}/clone"},
      {"POST", "/nodes/{node}/qemu/{vmid}/template"},
      {"GET", "/nodes/{node}/qemu/{vmid}/status/current"},
      {"POST", "/nodes/{node}/qemu/{vmid}/status/start"},
      {"POST", "/nodes/{node}/qemu/{vmid}/status/stop"},
      {"POST", "/nodes/{node}/qemu/{vmid}/status/shutdown"},
      {"POST", "/nodes/{node}/qemu/{vmid}/status/reboot"},
      {"POST", "/nodes/{node}/qemu/{vmid}/agent/ping"},
      {"GET", "/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces"},
      {"POST", "/nodes/{node}/qemu/{vmid}/agent/exec"},
      {"GET", "/nodes/{node}/qemu/{vmid}/agent/exec-status"},
      {"POST", "/nodes/{node}/lxc"},
      {"DELETE", "/nodes/{node}/lxc/{vmid}"},
      {"GET", "/nodes/{node}/lxc/{vmid}/config"},
      {"PUT", "/nodes/{node}/lxc/{vmid}/config"},
      {"GET", "/nodes/{node}/lxc/{vmid}/status/current"},
      {"POST", "/nodes/{node}/lxc/{vmid}/status/start"},
      {"POST", "/nodes/{node}/lxc/{vmid}/status/stop"},
      {"POST", "/nodes/{node}/lxc/{vmid}/template"},
      {"POST", "/nodes/{node}/lxc/{vmid}/clone"},
      {"GET", "/nodes/{node}/tasks"},
      {"GET", "/nodes/{node}/tasks/{upid}/status"},
      {"GET", "/nodes/{node}/tasks/{upid}/log"},
      {"DELETE", "/nodes/{node}/tasks/{upid}"},
      {"GET", "/pools"},
      {"POST", "/pools"},
      {"POST", "/access/ticket"},
      {"GET", "/access/users"},
      {"POST", "/access/users/{userid}/token/{tokenid}"},
      {"GET", "/storage"},
  };
  for (const auto& n : needed) EXPECT_NE(s.find(n[0], n[1]), nullptr) << n[0] << " " << n[1];
}

TEST(PveSchemaData, LoadRejectsBrokenInputNamingTheSpot) {
  EXPECT_THROW(Schema::load("not json"), std::runtime_error);
  try {
    Schema::load(R"({"endpoints":[{"path":"/x","method":"GET","parameters":{"properties":
                     {"p":{"type":"string","pattern":"(unclosed"}}}}]})");
    FAIL() << "a broken pattern must not load";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("GET /x parameter p"), std::string::npos) << e.what();
  }
}

}  // namespace
