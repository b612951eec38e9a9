// run_build end to end on a fixture rootfs (no network): steps, archive, SBOM, manifest,
// reproducibility, error handling; audit of the result.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "builder/pipeline/audit.h"
#include "builder/pipeline/run.h"
#include "builder/pipeline/workdir.h"
#include "builder/steps/tests/fixture.h"
#include "builder/template/spec.h"
#include "lib/artifact/hash.h"

namespace fs = std::filesystem;
using namespace sarga;
using sarga::testing::TempDir;

namespace {

// A fixture without packages that would need apt (telnet) and with u-u "installed".
void make_fixture(const fs::path& root) {
  sarga::testing::make_weak_rootfs(root);
  sarga::testing::put(root, "/var/lib/dpkg/status",
                      sarga::testing::dpkg_entry("base-files", "12.4") +
                          sarga::testing::dpkg_entry("unattended-upgrades", "2.9.1+nmu3"));
}

tmpl::BuildSpec fixture_spec(const fs::path& rootfs_dir) {
  tmpl::BuildSpec b;
  b.name = "debian-12-fixture";
  b.full_name = "debian-12-fixture.rootfs.fixture";
  b.source.kind = tmpl::SourceKind::rootfs;
  b.source.type = "rootfs";
  b.source.name = "fixture";
  b.source.rootfs.path = rootfs_dir.string();
  b.source.mmdebstrap.source_date_epoch = 1700000000;  // ignored for rootfs sources

  tmpl::StepSpec files;
  files.kind = tmpl::StepKind::files;
  files.type = files.name = "files";
  tmpl::FilesSettings fs_settings;
  tmpl::FileEntry motd;
  motd.content = "hello\n";
  motd.destination = "/etc/motd";
  motd.owner = "alice";
  motd.mode = 0640;
  fs_settings.entries.push_back(motd);
  files.settings = fs_settings;
  b.steps.push_back(files);

  tmpl::StepSpec hard;
  hard.kind = tmpl::StepKind::hardening;
  hard.type = hard.name = "hardening";
  hard.settings = tmpl::HardeningSettings{};
  b.steps.push_back(hard);

  tmpl::StepSpec clean;
  clean.kind = tmpl::StepKind::cleanup;
  clean.type = clean.name = "cleanup";
  clean.settings = tmpl::CleanupSettings{};
  b.steps.push_back(clean);

  tmpl::OutputSpec archive;
  archive.kind = tmpl::OutputKind::lxc_template;
  archive.type = "lxc-template";
  tmpl::LxcTemplateSettings lxc;
  lxc.version = "2.0";
  archive.settings = lxc;
  b.outputs.push_back(archive);
  tmpl::OutputSpec sbom;
  sbom.kind = tmpl::OutputKind::sbom;
  sbom.type = "sbom";
  sbom.settings = tmpl::SbomSettings{};
  b.outputs.push_back(sbom);
  return b;
}

struct Captured {
  std::vector<pipeline::Event> events;
  pipeline::EventSink sink() {
    return [this](const pipeline::Event& e) { events.push_back(e); };
  }
};

pipeline::RunOptions options(const fs::path& out, Captured& c) {
  pipeline::RunOptions o;
  o.output_dir = out;
  o.progress = c.sink();
  o.force = true;
  o.work_dir = out.parent_path() / "work";
  return o;
}

TEST(Pipeline, FixtureBuildProducesReproducibleAuditedTemplate) {
  TempDir d;
  make_fixture(d.path() / "fixture");
  setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  auto spec = fixture_spec(d.path() / "fixture");
  Captured c1, c2;
  auto r1 = pipeline::run_build(spec, options(d.path() / "out1", c1));
  ASSERT_TRUE(r1.ok) << r1.error;
  auto r2 = pipeline::run_build(spec, options(d.path() / "out2", c2));
  ASSERT_TRUE(r2.ok) << r2.error;
  unsetenv("SOURCE_DATE_EPOCH");
  ASSERT_EQ(r1.files.size(), 2u);
  EXPECT_EQ(r1.files[0].path.filename(), "debian-12-fixture_2.0_amd64.tar.zst");
  EXPECT_EQ(r1.files[0].sha256, r2.files[0].sha256);  // bit-identical
  EXPECT_EQ(artifact::sha256_file(r1.files[0].path), r1.files[0].sha256);
  EXPECT_EQ(r1.files[1].sha256, r2.files[1].sha256);  // SBOM too

  std::ifstream in(r1.manifest);
  auto m = nlohmann::json::parse(in);
  const auto& b = m["builds"][0];
  EXPECT_EQ(b["name"], "debian-12-fixture");
  EXPECT_EQ(b["files"].size(), 2u);
  EXPECT_EQ(b["files"][0]["sha256"], r1.files[0].sha256);
  EXPECT_EQ(b["source"]["type"], "rootfs");
  EXPECT_EQ(b["source_date_epoch"], 1700000000);
  EXPECT_EQ(b["hardening"]["passed"], true);
  std::vector<std::string> step_names;
  for (const auto& s : b["steps"]) {
    step_names.push_back(s["name"]);
    EXPECT_GE(s["seconds"].get<double>(), 0.0);
  }
  EXPECT_EQ(step_names, (std::vector<std::string>{"source", "files #1", "hardening #2", "cleanup #3", "lxc-template", "sbom"}));
  EXPECT_EQ(m["last_run_uuid"], b["packer_run_uuid"]);

  // Events: a start and a done per step, one build-done.
  int starts = 0, dones = 0, build_done = 0;
  for (const auto& e : c1.events) {
    starts += e.kind == "step-start";
    dones += e.kind == "step-done";
    build_done += e.kind == "build-done";
  }
  EXPECT_EQ(starts, 6);
  EXPECT_EQ(dones, 6);
  EXPECT_EQ(build_done, 1);

  // The archive passes its own audit; the untouched fixture does not.
  auto report = pipeline::audit(r1.files[0].path, "lxc-baseline");
  EXPECT_TRUE(report.passed()) << report.to_text();
  EXPECT_FALSE(pipeline::audit(d.path() / "fixture", "lxc-baseline").passed());
  EXPECT_EQ(report.to_json()["summary"]["fail"], 0);
  // The work dir is gone.
  EXPECT_TRUE(fs::is_empty(d.path() / "work"));
}

TEST(Pipeline, FailedBuildKeepsPreviousArtifactAndCleansUp) {
  TempDir d;
  make_fixture(d.path() / "fixture");
  auto spec = fixture_spec(d.path() / "fixture");
  Captured c;
  auto ok = pipeline::run_build(spec, options(d.path() / "out", c));
  ASSERT_TRUE(ok.ok) << ok.error;
  auto before = artifact::sha256_file(ok.files[0].path);

  auto broken = spec;
  tmpl::FileEntry bad;
  bad.content = "x";
  bad.destination = "/etc/x";
  bad.owner = "nobody-here";
  bad.location = {"broken.pkr.hcl", 12, 5};
  std::get<tmpl::FilesSettings>(broken.steps[0].settings).entries.push_back(bad);
  broken.steps[0].location = {"broken.pkr.hcl", 10, 3};
  auto failed = pipeline::run_build(broken, options(d.path() / "out", c));
  EXPECT_FALSE(failed.ok);
  EXPECT_NE(failed.error.find("broken.pkr.hcl:12:5: owner \"nobody-here\""), std::string::npos) << failed.error;
  EXPECT_EQ(artifact::sha256_file(ok.files[0].path), before);
  EXPECT_TRUE(fs::is_empty(d.path() / "work"));

  auto o = options(d.path() / "out", c);
  o.on_error = pipeline::OnError::abort;
  auto kept = pipeline::run_build(broken, o);
  EXPECT_FALSE(kept.ok);
  ASSERT_FALSE(kept.kept_work_dir.empty());
  EXPECT_TRUE(fs::exists(kept.kept_work_dir / "rootfs/etc/os-release"));
  pipeline::remove_work_dir(kept.kept_work_dir);
}

TEST(Pipeline, RefusesNonEmptyOutputWithoutForce) {
  TempDir d;
  make_fixture(d.path() / "fixture");
  sarga::testing::put(d.path(), "/out/old.txt", "x");
  Captured c;
  auto o = options(d.path() / "out", c);
  o.force = false;
  auto r = pipeline::run_build(fixture_spec(d.path() / "fixture"), o);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("use -force"), std::string::npos) << r.error;
}

TEST(Pipeline, SecretsNeverReachEvents) {
  TempDir d;
  make_fixture(d.path() / "fixture");
  auto spec = fixture_spec(d.path() / "fixture");
  spec.sensitive_values = {"hunter2-secret"};
  tmpl::FileEntry f;
  f.content = "x";
  f.destination = "/etc/hunter2-secret";
  f.owner = "missing-user-hunter2-secret";
  std::get<tmpl::FilesSettings>(spec.steps[0].settings).entries.push_back(f);
  Captured c;
  auto r = pipeline::run_build(spec, options(d.path() / "out", c));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.find("hunter2-secret"), std::string::npos) << r.error;
  for (const auto& e : c.events) EXPECT_EQ(e.message.find("hunter2-secret"), std::string::npos) << e.message;
}

TEST(Pipeline, JsonLinesSink) {
  std::ostringstream out;
  auto sink = pipeline::json_lines_sink(out);
  sink({"step-done", "b", "files #1", 1.5, "", nullptr});
  auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["kind"], "step-done");
  EXPECT_EQ(j["step"], "files #1");
  EXPECT_EQ(j["seconds"], 1.5);
  EXPECT_EQ(j["build"], "b");
  EXPECT_TRUE(j.contains("time"));
}

TEST(Audit, UnknownProfileAndRule) {
  TempDir d;
  EXPECT_THROW(pipeline::audit(d.path(), "desktop"), std::invalid_argument);
  EXPECT_THROW(pipeline::audit(d.path(), "lxc-baseline", {"nope"}), std::invalid_argument);
  EXPECT_THROW(pipeline::audit(d.path() / "missing", "lxc-baseline"), std::runtime_error);
}

}  // namespace

namespace {

// /dev/shm (tmpfs) and the temp dir are different filesystems here, so this takes the copy path.
TEST(Workdir, MoveAcrossFilesystemsKeepsContentAndHoles) {
  fs::path from = fs::path("/dev/shm") / ("sarga-move-" + std::to_string(::getpid()) + ".raw");
  fs::path dir = fs::temp_directory_path() / ("sarga-move-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    std::ofstream f(from, std::ios::binary);
    f << "head";
    f.seekp(256 << 20);  // 256 MiB of hole
    f << "tail";
  }
  struct stat shm {}, tmp {};
  ASSERT_EQ(::stat("/dev/shm", &shm), 0);
  ASSERT_EQ(::stat(dir.parent_path().c_str(), &tmp), 0);
  ASSERT_NE(shm.st_dev, tmp.st_dev) << "/dev/shm and the temp dir must be different filesystems";

  pipeline::move_into_place(from, dir / "disk.raw");
  EXPECT_FALSE(fs::exists(from));
  EXPECT_FALSE(fs::exists(dir / ".disk.raw.partial"));
  struct stat st {};
  ASSERT_EQ(::stat((dir / "disk.raw").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, (256 << 20) + 4);
  EXPECT_LT(st.st_blocks * 512, 1 << 20) << "the hole was written out";
  std::ifstream in(dir / "disk.raw", std::ios::binary);
  std::string head(4, '\0');
  in.read(head.data(), 4);
  EXPECT_EQ(head, "head");
  in.seekg(256 << 20);
  std::string tail(4, '\0');
  in.read(tail.data(), 4);
  EXPECT_EQ(tail, "tail");
  fs::remove_all(dir);
}

}  // namespace
