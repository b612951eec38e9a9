// Path matching, endpoint metadata, and property-string parse/print round trips.
#include <gtest/gtest.h>

#include "acceptance-tests/pve-sim/schema/schema.h"

using namespace sarga::pvesim::schema;

namespace {

const Schema& S() { return Schema::builtin(); }

std::string param(const Match& m, const std::string& name) {
  for (const auto& [k, v] : m.path_params)
    if (k == name) return v;
  return "<missing " + name + ">";
}

TEST(PveSchemaMatch, FindsTemplatesAndPathParameters) {
  Match m = S().match("GET", "/nodes/pve1/qemu/100/config");
  ASSERT_EQ(m.status, Match::Status::found);
  EXPECT_EQ(m.endpoint->path, "/nodes/{node}/qemu/{vmid}/config");
  EXPECT_EQ(m.endpoint->name, "vm_config");
  EXPECT_EQ(param(m, "node"), "pve1");
  EXPECT_EQ(param(m, "vmid"), "100");

  m = S().match("POST", "/nodes/pve2/qemu/101/status/start");
  ASSERT_EQ(m.status, Match::Status::found);
  EXPECT_EQ(m.endpoint->path, "/nodes/{node}/qemu/{vmid}/status/start");

  m = S().match("GET", "//version/");  // empty segments are skipped, as PVE does
  ASSERT_EQ(m.status, Match::Status::found);
  EXPECT_EQ(m.endpoint->path, "/version");
}

TEST(PveSchemaMatch, UnknownPathAndUnknownMethod) {
  EXPECT_EQ(S().match("GET", "/nodes/pve1/nonsense").status, Match::Status::unknown_path);
  EXPECT_EQ(S().match("GET", "/nodes/pve1/qemu/100/config/extra").status, Match::Status::unknown_path);
  Match m = S().match("DELETE", "/version");
  EXPECT_EQ(m.status, Match::Status::unknown_method);
  EXPECT_EQ(m.endpoint, nullptr);
}

TEST(PveSchemaMatch, UpidAndVolumeSegments) {
  const std::string upid = "UPID:pve1:00010D94:001CA6EA:6124E1B9:vzdump:100:root@pam!sarga:";
  Match m = S().match("GET", "/nodes/pve1/tasks/" + upid + "/status");
  ASSERT_EQ(m.status, Match::Status::found);
  EXPECT_EQ(param(m, "upid"), upid);

  // An encoded volume ID stays one segment and is decoded.
  m = S().match("DELETE", "/nodes/pve1/storage/local/content/local%3Aiso%2Fdebian.iso");
  ASSERT_EQ(m.status, Match::Status::found);
  EXPECT_EQ(param(m, "volume"), "local:iso/debian.iso");
  // PVE matches the rest of the URI as the volume, so an unencoded slash works too.
  m = S().match("GET", "/nodes/pve1/storage/local/content/local:iso/debian.iso");
  ASSERT_EQ(m.status, Match::Status::found);
  EXPECT_EQ(m.endpoint->path, "/nodes/{node}/storage/{storage}/content/{volume}");
  EXPECT_EQ(param(m, "volume"), "local:iso/debian.iso");
}

TEST(PveSchemaEndpoint, ExposesPermissionsProtectedAndProxyto) {
  const Endpoint* create = S().find("POST", "/nodes/{node}/qemu");
  ASSERT_NE(create, nullptr);
  EXPECT_TRUE(create->protected_method);
  EXPECT_EQ(create->proxyto, "node");
  EXPECT_TRUE(create->allow_token);
  EXPECT_EQ(create->permissions.value("user", ""), "all");

  const Endpoint* upload = S().find("POST", "/nodes/{node}/storage/{storage}/upload");
  ASSERT_NE(upload, nullptr);
  ASSERT_TRUE(upload->permissions.contains("check"));
  EXPECT_NE(upload->permissions["check"].dump().find("Datastore.AllocateTemplate"), std::string::npos);

  const Endpoint* version = S().find("GET", "/version");
  ASSERT_NE(version, nullptr);
  EXPECT_FALSE(version->protected_method);
  EXPECT_EQ(version->proxyto, "");
}

TEST(PveSchemaEndpoint, ParameterInfoAndNames) {
  const Endpoint* clone = S().find("POST", "/nodes/{node}/qemu/{vmid}/clone");
  ASSERT_NE(clone, nullptr);
  auto full = S().parameter(*clone, "full");
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->type, "boolean");
  EXPECT_TRUE(full->optional);
  auto newid = S().parameter(*clone, "newid");
  ASSERT_TRUE(newid.has_value());
  EXPECT_FALSE(newid->optional);
  EXPECT_FALSE(S().parameter(*clone, "nonsense").has_value());

  const Endpoint* config = S().find("PUT", "/nodes/{node}/qemu/{vmid}/config");
  auto names = S().parameter_names(*config);
  EXPECT_NE(std::find(names.begin(), names.end(), "net31"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "net32"), names.end());
  EXPECT_TRUE(S().parameter(*config, "scsi0")->property_string);
}

TEST(PveSchemaPropertyString, ParseStoredValuesAndPrintCanonically) {
  const Endpoint* config = S().find("PUT", "/nodes/{node}/qemu/{vmid}/config");
  ASSERT_NE(config, nullptr);
  std::string err;
  auto net = S().parse_property_string(*config, "net0", "bridge=vmbr0,virtio=BC:24:11:00:00:01,tag=20", &err);
  ASSERT_TRUE(net.has_value()) << err;
  EXPECT_EQ(net->at("model"), "virtio");
  EXPECT_EQ(net->at("macaddr"), "BC:24:11:00:00:01");
  auto printed = S().print_property_string(*config, "net0", *net);
  ASSERT_TRUE(printed.has_value());
  EXPECT_EQ(*printed, "virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=20");

  auto disk = S().parse_property_string(*config, "scsi0", "volume=local-lvm:vm-100-disk-0,size=34359738368,iothread=on", &err);
  ASSERT_TRUE(disk.has_value()) << err;
  EXPECT_EQ(disk->at("file"), "local-lvm:vm-100-disk-0");  // "volume" is an alias of "file"
  EXPECT_EQ(disk->at("iothread"), "1");
  EXPECT_EQ(*S().print_property_string(*config, "scsi0", *disk),
            "local-lvm:vm-100-disk-0,iothread=1,size=32G");

  EXPECT_FALSE(S().parse_property_string(*config, "net0", "virtio,bridge=vm br0", &err).has_value());
  EXPECT_EQ(err, "invalid format - format error\nnet0.bridge: invalid format - invalid bridge ID 'vm br0'\n\n");
  EXPECT_FALSE(S().parse_property_string(*config, "name", "x", &err).has_value());
  EXPECT_NE(err.find("not a property string"), std::string::npos);
}

TEST(PveSchemaPropertyString, ParseBoolean) {
  EXPECT_EQ(parse_boolean("Yes"), std::optional<bool>(true));
  EXPECT_EQ(parse_boolean("off"), std::optional<bool>(false));
  EXPECT_EQ(parse_boolean("2"), std::nullopt);
}

}  // namespace
