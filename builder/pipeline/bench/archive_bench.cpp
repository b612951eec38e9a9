// Archive step vs `tar --sort=name -cf - . | zstd -T0` on the same tree.
//
//   sarga_archive_bench [rootfs-dir] [--runs N] [--threads N]
//
// Without a directory it assembles a ~300 MB tree: the largest cached mmdebstrap rootfs
// (~/.cache/sarga/rootfs/*/rootfs.tar) plus regular files copied from the host's /usr.
// Prints the seconds of each run, the best of each side and their ratio (target <= 1.2).
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "builder/pipeline/workdir.h"
#include "lib/artifact/tar_extract.h"
#include "lib/artifact/tar_writer.h"

namespace fs = std::filesystem;

namespace {

std::uint64_t tree_bytes(const fs::path& root) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it)
    if (!it->is_symlink(ec) && it->is_regular_file(ec)) total += it->file_size(ec);
  return total;
}

fs::path assemble_tree(const fs::path& work, std::uint64_t target) {
  fs::path root = work / "rootfs";
  fs::create_directories(root);
  const char* home = std::getenv("HOME");
  fs::path cache = std::getenv("SARGA_CACHE_DIR") ? fs::path(std::getenv("SARGA_CACHE_DIR"))
                                                  : fs::path(home ? home : "/root") / ".cache/sarga";
  fs::path best;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator(cache / "rootfs", ec)) {
    fs::path t = d.path() / "rootfs.tar";
    if (fs::exists(t) && (best.empty() || fs::file_size(t) > fs::file_size(best))) best = t;
  }
  if (!best.empty()) {
    sarga::artifact::ExtractOptions o;
    o.devices = sarga::artifact::ExtractOptions::Devices::skip;
    sarga::artifact::extract_archive_safely(best, root, o);
    std::cout << "base: " << best << "\n";
  }
  std::uint64_t have = tree_bytes(root);
  for (auto it = fs::recursive_directory_iterator("/usr", fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator() && have < target; ++it) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    fs::path dest = root / "opt/extra" / it->path().relative_path();
    fs::create_directories(dest.parent_path(), ec);
    if (fs::copy_file(it->path(), dest, fs::copy_options::skip_existing, ec)) have += it->file_size(ec);
  }
  return root;
}

double cpu_seconds(int who) {
  struct rusage u;
  getrusage(who, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  fs::path tree;
  int runs = 3, threads = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::atoi(argv[++i]);
    else if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    else tree = a;
  }
  fs::path work = sarga::pipeline::make_work_dir(fs::temp_directory_path());
  if (tree.empty()) tree = assemble_tree(work, 300ull << 20);
  std::uint64_t bytes = tree_bytes(tree);
  std::cout << "tree: " << tree << " (" << (bytes >> 20) << " MiB in regular files)\n";

  double best_sarga = 1e9, best_tar = 1e9, cpu_sarga = 1e9, cpu_tar = 1e9;
  std::uint64_t sarga_size = 0, tar_size = 0;
  for (int r = 0; r < runs; ++r) {
    auto t = std::chrono::steady_clock::now();
    double c0 = cpu_seconds(RUSAGE_SELF);
    sarga::artifact::TarWriteOptions o;
    o.source_date_epoch = 1700000000;
    o.threads = threads;
    sarga::artifact::write_rootfs_archive(tree, work / "sarga.tar.zst", o);
    double s = seconds_since(t);
    double cs = cpu_seconds(RUSAGE_SELF) - c0;
    cpu_sarga = std::min(cpu_sarga, cs);
    best_sarga = std::min(best_sarga, s);
    sarga_size = fs::file_size(work / "sarga.tar.zst");

    t = std::chrono::steady_clock::now();
    double k0 = cpu_seconds(RUSAGE_CHILDREN);
    std::string cmd = "cd '" + tree.string() + "' && tar --sort=name -cf - . | zstd -q -T0 > '" +
                      (work / "gnu.tar.zst").string() + "'";
    int rc = std::system(cmd.c_str());
    double g = seconds_since(t);
    double cg = cpu_seconds(RUSAGE_CHILDREN) - k0;
    cpu_tar = std::min(cpu_tar, cg);
    if (rc != 0) {
      std::cerr << "tar | zstd failed\n";
      return 1;
    }
    best_tar = std::min(best_tar, g);
    tar_size = fs::file_size(work / "gnu.tar.zst");
    std::printf("run %d: sarga %.2f s wall / %.2f s cpu, tar|zstd %.2f s wall / %.2f s cpu\n", r + 1, s, cs, g, cg);
  }
  std::printf("best: sarga %.2f s (%.1f MiB/s, %llu bytes), tar --sort=name | zstd -T0 %.2f s (%llu bytes)\n",
              best_sarga, (bytes / 1048576.0) / best_sarga, static_cast<unsigned long long>(sarga_size), best_tar,
              static_cast<unsigned long long>(tar_size));
  std::printf("ratio sarga/tar: %.2fx wall (target <= 1.20x), %.2fx cpu (best %.2f s vs %.2f s)\n",
              best_sarga / best_tar, cpu_sarga / cpu_tar, cpu_sarga, cpu_tar);
  sarga::pipeline::remove_work_dir(work);
  return 0;
}
