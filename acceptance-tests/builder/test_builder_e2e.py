"""sarga-build end to end: a real mmdebstrap minbase build (cached) and a build from a
fixture rootfs, each audited, checked for reproducibility, and published to pve-sim."""

import hashlib
import json
import pathlib

from builder_run import run
from fixture_rootfs import make_fixture_rootfs

FIXTURE_TEMPLATE = """
variable "pve_endpoint" {
  type    = string
  default = ""
}
variable "pve_token" {
  type      = string
  sensitive = true
  default   = ""
}
variable "pve_fingerprint" {
  type    = string
  default = ""
}

source "rootfs" "fixture" {
  path = "ROOTFS"
}

build {
  name    = "debian-12-fixture"
  sources = ["source.rootfs.fixture"]

  provisioner "files" {
    content     = "fixture build\\n"
    destination = "/etc/motd"
  }
  provisioner "hardening" {
    profile = "lxc-baseline"
  }
  provisioner "cleanup" {}

  post-processor "lxc-template" {
    version = "1.0"
  }
  post-processor "sbom" {}
  post-processor "manifest" {}
PUBLISH}
"""

PUBLISH = """
  post-processor "proxmox" {
    endpoint    = var.pve_endpoint
    token       = var.pve_token
    fingerprint = var.pve_fingerprint
    node        = "pve1"
    storage     = "local"
    keep        = 2
  }
"""


def sha256(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def write_fixture_template(tmp_path, publish=False):
    rootfs = make_fixture_rootfs(tmp_path / "fixture-rootfs")
    text = FIXTURE_TEMPLATE.replace("ROOTFS", str(rootfs)).replace("PUBLISH", PUBLISH if publish else "")
    template = tmp_path / "fixture.pkr.hcl"
    template.write_text(text)
    return template, rootfs


def build(sarga_build, template, cwd, *extra, env=None):
    return run([sarga_build, "build", "--force", *extra, template], cwd=cwd,
               env=dict({"SOURCE_DATE_EPOCH": "1700000000"}, **(env or {})))


def test_fixture_build_is_reproducible_and_audited(sarga_build, tmp_path):
    template, rootfs = write_fixture_template(tmp_path)
    first = build(sarga_build, template, tmp_path, "--output-dir", tmp_path / "out1")
    assert first.returncode == 0, first.stderr + first.stdout
    second = build(sarga_build, template, tmp_path, "--output-dir", tmp_path / "out2")
    assert second.returncode == 0, second.stderr + second.stdout
    a = tmp_path / "out1" / "debian-12-fixture_1.0_amd64.tar.zst"
    b = tmp_path / "out2" / "debian-12-fixture_1.0_amd64.tar.zst"
    assert sha256(a) == sha256(b)

    manifest = json.loads((tmp_path / "out1" / "manifest.json").read_text())
    entry = manifest["builds"][0]
    assert entry["name"] == "debian-12-fixture"
    assert entry["hardening"]["passed"] is True
    files = {pathlib.Path(f["name"]).name: f for f in entry["files"]}
    assert files["debian-12-fixture_1.0_amd64.tar.zst"]["sha256"] == sha256(a)
    assert [s["name"] for s in entry["steps"]][:4] == ["source", "files #1", "hardening #2", "cleanup #3"]

    sbom = json.loads((tmp_path / "out1" / "sbom.spdx.json").read_text())
    assert sbom["spdxVersion"] == "SPDX-2.3"
    purls = {p["name"]: p["externalRefs"][0]["referenceLocator"] for p in sbom["packages"] if "externalRefs" in p}
    assert purls["openssh-server"] == "pkg:deb/debian/openssh-server@1:9.2p1-2%2Bdeb12u3?arch=amd64&distro=debian-12"


    audit = run([sarga_build, "audit", "--json", a], cwd=tmp_path)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    report = json.loads(audit.stdout)
    assert report["passed"] is True
    assert report["summary"]["fail"] == 0
    # The untouched input fails the same audit, naming the rules.
    raw = run([sarga_build, "audit", "--json", rootfs], cwd=tmp_path)
    assert raw.returncode != 0
    failed = {r["rule"] for r in json.loads(raw.stdout)["rules"] if r["status"] == "fail"}
    assert {"sshd-permit-root-login", "pam-faillock", "template-hygiene"} <= failed


def test_machine_readable_output_is_json_lines(sarga_build, tmp_path):
    template, _ = write_fixture_template(tmp_path)
    result = build(sarga_build, template, tmp_path, "--machine-readable", "--output-dir", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    events = [e for e in lines if "kind" in e]  # the CLI ends with one {"type": "result"} line
    assert lines[-1].get("type") == "result" and lines[-1]["ok"] is True
    kinds = [e["kind"] for e in events]
    assert "build-start" in kinds and "build-done" in kinds
    done = [e for e in events if e["kind"] == "step-done"]
    assert {e["step"] for e in done} >= {"source", "hardening #2", "lxc-template"}
    assert all("seconds" in e for e in done)


def test_failed_build_keeps_previous_artifact(sarga_build, tmp_path):
    template, _ = write_fixture_template(tmp_path)
    ok = build(sarga_build, template, tmp_path, "--output-dir", tmp_path / "out")
    assert ok.returncode == 0, ok.stderr
    archive = tmp_path / "out" / "debian-12-fixture_1.0_amd64.tar.zst"
    before = sha256(archive)
    broken = template.read_text().replace('destination = "/etc/motd"', 'destination = "/etc/motd"\n    owner = "nobody-here"')
    template.write_text(broken)
    failed = build(sarga_build, template, tmp_path, "--output-dir", tmp_path / "out")
    assert failed.returncode != 0
    assert 'owner "nobody-here" is not in the rootfs /etc/passwd' in failed.stderr + failed.stdout
    assert sha256(archive) == before


def test_fixture_publish_to_pve_sim(sarga_build, pve_sim, tmp_path):
    template, _ = write_fixture_template(tmp_path, publish=True)
    token = pve_sim.token
    variables = ["--var", f"pve_endpoint={pve_sim.url}", "--var", f"pve_token={token}",
                 "--var", f"pve_fingerprint={pve_sim.fingerprint}"]
    first = build(sarga_build, template, tmp_path, *variables, "--output-dir", tmp_path / "out")
    assert first.returncode == 0, first.stderr + first.stdout
    assert "e2e-secret-5f2a" not in first.stderr + first.stdout
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    published = manifest["builds"][0]["published"][0]
    assert published["uploaded"] is True
    assert published["volid"] == "local:vztmpl/debian-12-fixture_1.0_amd64.tar.zst"

    listing = pve_sim.api("GET", "/nodes/pve1/storage/local/content", params={"content": "vztmpl"}).json()["data"]
    vol = [v for v in listing if v["volid"] == published["volid"]]
    assert len(vol) == 1
    assert vol[0]["size"] == (tmp_path / "out" / "debian-12-fixture_1.0_amd64.tar.zst").stat().st_size

    # Same content again: nothing uploaded.
    second = build(sarga_build, template, tmp_path, *variables, "--output-dir", tmp_path / "out")
    assert second.returncode == 0, second.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["builds"][0]["published"][0]["uploaded"] is False

    # A wrong pin fails before any credential is sent.
    wrong = ["--var", f"pve_endpoint={pve_sim.url}", "--var", f"pve_token={token}",
             "--var", "pve_fingerprint=" + ":".join(["AB"] * 32)]
    bad = build(sarga_build, template, tmp_path, *wrong, "--output-dir", tmp_path / "out")
    assert bad.returncode != 0
    assert "pinned" in bad.stderr + bad.stdout


EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "images"


def test_example_minbase_build_cached_reproducible_and_audited(sarga_build, tmp_path):
    """The README's template: a real mmdebstrap minbase (downloaded once, then cached)."""
    template = EXAMPLES / "debian12-lxc-hardened.pkr.hcl"
    first = run([sarga_build, "build", "--force", "--output-dir", tmp_path / "out", template], cwd=tmp_path, timeout=1800)
    assert first.returncode == 0, first.stderr[-4000:]
    second = run([sarga_build, "build", "--force", "--machine-readable", "--output-dir", tmp_path / "out2", template],
                 cwd=tmp_path, timeout=1800)
    assert second.returncode == 0, second.stderr[-4000:]
    events = [json.loads(l) for l in second.stdout.splitlines() if l.startswith("{")]
    source_done = [e for e in events if e.get("kind") == "step-done" and e.get("step") == "source"]
    assert source_done and source_done[0]["data"]["cache_hit"] is True
    a = tmp_path / "out" / "debian-12-hardened_1.0_amd64.tar.zst"
    b = tmp_path / "out2" / "debian-12-hardened_1.0_amd64.tar.zst"
    assert sha256(a) == sha256(b)
    audit = run([sarga_build, "audit", a], cwd=tmp_path)
    assert audit.returncode == 0, audit.stdout
    assert "all rules passed" in audit.stdout
    sbom = json.loads((tmp_path / "out" / "sbom.spdx.json").read_text())
    names = {p["name"] for p in sbom["packages"]}
    assert {"openssh-server", "unattended-upgrades", "libc6", "dpkg", "ifupdown"} <= names
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["builds"][0]["files"][0]["name"] == "debian-12-hardened_1.0_amd64.tar.zst"  # strip_path


def test_ci_runner_example_validates_and_inspects(sarga_build, tmp_path):
    template = EXAMPLES / "ci-runner-lxc.pkr.hcl"
    assert run([sarga_build, "validate", template], cwd=tmp_path).returncode == 0
    inspect = run([sarga_build, "inspect", template], cwd=tmp_path)
    assert inspect.returncode == 0, inspect.stderr
    assert "packages" in inspect.stdout and "hardening" in inspect.stdout


def test_ci_runner_example_installs_packages_in_the_chroot(sarga_build, tmp_path):
    """The packages and shell steps for real: apt inside the chroot, caches cleaned after."""
    template = EXAMPLES / "ci-runner-lxc.pkr.hcl"
    result = run([sarga_build, "build", "--force", "--output-dir", tmp_path / "out",
                  "-var", 'runner_packages=["jq"]', template], cwd=tmp_path, timeout=1800)
    assert result.returncode == 0, result.stderr[-4000:]
    archive = tmp_path / "out" / "debian-12-ci-runner_1.0_amd64.tar.zst"
    sbom = json.loads((tmp_path / "out" / "sbom.spdx.json").read_text())
    assert "jq" in {p["name"] for p in sbom["packages"]}
    listing = run(["tar", "--zstd", "-tvf", archive], cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    names = listing.stdout
    assert "./usr/bin/jq" in names
    assert "1001/1001" in next(l for l in names.splitlines() if l.endswith("./srv/runner/work/"))
    assert not any("/var/cache/apt/archives/" in l and l.endswith(".deb") for l in names.splitlines())
    audit = run([sarga_build, "audit", archive], cwd=tmp_path)
    assert audit.returncode == 0, audit.stdout
