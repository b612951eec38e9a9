#include "lib/artifact/tar_writer.h"
#include "lib/artifact/tar_locale.h"

#include <archive.h>
#include <zstd.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <clocale>
#include <locale.h>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <thread>
#include <utility>

namespace fs = std::filesystem;

namespace sarga::artifact {

std::string archive_extension(Compression c) {
  switch (c) {
    case Compression::zstd: return ".tar.zst";
    case Compression::xz: return ".tar.xz";
    case Compression::gzip: return ".tar.gz";
    case Compression::none: return ".tar";
  }
  return ".tar";
}

Compression parse_compression(const std::string& name) {
  if (name == "zst" || name == "zstd") return Compression::zstd;
  if (name == "xz") return Compression::xz;
  if (name == "gz" || name == "gzip") return Compression::gzip;
  if (name == "none" || name == "tar") return Compression::none;
  throw std::invalid_argument("unknown compression \"" + name + "\" (expected zstd, xz, gzip or none)");
}

std::optional<Compression> compression_from_filename(const std::string& name) {
  auto ends = [&](const char* s) {
    std::string suffix(s);
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".tar.zst")) return Compression::zstd;
  if (ends(".tar.xz")) return Compression::xz;
  if (ends(".tar.gz")) return Compression::gzip;
  if (ends(".tar")) return Compression::none;
  return std::nullopt;
}

namespace {

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(path + ": " + what);
}

// Entries and file data travel from the reading thread to the archiving thread through
// this bounded queue, so disk reads overlap with tar formatting and compression.
struct Item {
  std::unique_ptr<archive_entry, EntryDeleter> entry;  // null: more data of the previous file
  std::vector<char> data;
  std::string path;  // host path, for messages
};

class ItemQueue {
 public:
  explicit ItemQueue(size_t max_bytes) : max_bytes_(max_bytes) {}
  // Returns false when the consumer has given up.
  bool push(Item item) {
    std::unique_lock<std::mutex> lock(m_);
    size_t size = item.data.size() + 512;
    not_full_.wait(lock, [&] { return aborted_ || bytes_ + size <= max_bytes_ || items_.empty(); });
    if (aborted_) return false;
    bytes_ += size;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  // nullopt once the producer finished and everything was taken.
  std::optional<Item> pop() {
    std::unique_lock<std::mutex> lock(m_);
    not_empty_.wait(lock, [&] { return !items_.empty() || finished_; });
    if (items_.empty()) return std::nullopt;
    Item item = std::move(items_.front());
    items_.pop_front();
    bytes_ -= item.data.size() + 512;
    not_full_.notify_one();
    return item;
  }
  void finish(std::exception_ptr error) {
    std::lock_guard<std::mutex> lock(m_);
    finished_ = true;
    error_ = error;
    not_empty_.notify_all();
  }
  void abort() {
    std::lock_guard<std::mutex> lock(m_);
    aborted_ = true;
    not_full_.notify_all();
  }
  std::exception_ptr error() {
    std::lock_guard<std::mutex> lock(m_);
    return error_;
  }

 private:
  std::mutex m_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Item> items_;
  size_t bytes_ = 0;
  const size_t max_bytes_;
  bool finished_ = false, aborted_ = false;
  std::exception_ptr error_;
};

struct Aborted {};  // the consumer stopped; unwind the producer quietly

class Writer {
 public:
  Writer(const fs::path& root, const TarWriteOptions& options, ItemQueue& queue)
      : root_(root), options_(options), queue_(queue) {}

  void walk_dir(const std::string& rel, bool top) {
    std::string dir_path = rel.empty() ? root_.string() : (root_ / rel).string();
    DIR* d = opendir(dir_path.c_str());
    if (!d) fail(std::string("cannot open directory: ") + std::strerror(errno), dir_path);
    std::vector<std::string> names;
    while (dirent* de = readdir(d)) {
      if (std::strcmp(de->d_name, ".") == 0 || std::strcmp(de->d_name, "..") == 0) continue;
      names.emplace_back(de->d_name);
    }
    closedir(d);
    std::sort(names.begin(), names.end());  // byte-wise: independent of locale and fs order
    for (const auto& name : names) {
      if (options_.cancelled && options_.cancelled()) throw std::runtime_error("archive cancelled");
      std::string child = rel.empty() ? name : rel + "/" + name;
      struct stat st;
      std::string full = (root_ / child).string();
      if (lstat(full.c_str(), &st) != 0) fail(std::string("lstat: ") + std::strerror(errno), full);
      if (S_ISSOCK(st.st_mode)) continue;  // tar cannot store sockets; they are runtime state
      add_entry(child, full, st);
      if (S_ISDIR(st.st_mode)) {
        bool keep_empty = top && std::find(options_.empty_dirs.begin(), options_.empty_dirs.end(), name) !=
                                     options_.empty_dirs.end();
        if (!keep_empty) walk_dir(child, false);
      }
    }
  }

  void add_root() {
    struct stat st;
    if (lstat(root_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) fail("not a directory", root_.string());
    add_entry("", root_.string(), st);
  }

  TarWriteStats stats;

 private:
  void add_entry(const std::string& rel, const std::string& full, const struct stat& st) {
    std::unique_ptr<archive_entry, EntryDeleter> e(archive_entry_new());
    std::string name = rel.empty() ? "." : "./" + rel;
    set_name(e.get(), name, full);
    archive_entry_set_uid(e.get(), st.st_uid);
    archive_entry_set_gid(e.get(), st.st_gid);
    archive_entry_set_perm(e.get(), st.st_mode & 07777);
    std::int64_t mtime = st.st_mtim.tv_sec;
    if (options_.source_date_epoch && mtime > *options_.source_date_epoch) mtime = *options_.source_date_epoch;
    archive_entry_set_mtime(e.get(), mtime, 0);  // whole seconds: sub-second noise breaks reproducibility
    add_xattrs(e.get(), full);

    if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
      auto key = std::make_pair(st.st_dev, st.st_ino);
      auto it = hardlinks_.find(key);
      if (it != hardlinks_.end()) {
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_copy_hardlink(e.get(), it->second.c_str());
        archive_entry_set_size(e.get(), 0);
        emit(std::move(e), full, {});
        return;
      }
      hardlinks_.emplace(key, name);  // first in sorted order is the stable target
    }

    if (S_ISREG(st.st_mode)) {
      archive_entry_set_filetype(e.get(), AE_IFREG);
      archive_entry_set_size(e.get(), st.st_size);
      copy_file(std::move(e), full, st.st_size);
    } else if (S_ISDIR(st.st_mode)) {
      archive_entry_set_filetype(e.get(), AE_IFDIR);
      emit(std::move(e), full, {});
    } else if (S_ISLNK(st.st_mode)) {
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = readlink(full.c_str(), target.data(), target.size());
      if (n < 0) fail(std::string("readlink: ") + std::strerror(errno), full);
      target.resize(n);
      archive_entry_set_filetype(e.get(), AE_IFLNK);
      if (!valid_utf8(target)) fail("symlink target is not valid UTF-8", full);
      archive_entry_copy_symlink(e.get(), target.c_str());
      emit(std::move(e), full, {});
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)) {
      archive_entry_set_filetype(e.get(), S_ISCHR(st.st_mode) ? AE_IFCHR : S_ISBLK(st.st_mode) ? AE_IFBLK : AE_IFIFO);
      archive_entry_set_rdev(e.get(), st.st_rdev);
      emit(std::move(e), full, {});
    }
  }

  // pax stores UTF-8; names that are not UTF-8 get a clear error instead of a mangled entry.
  static bool valid_utf8(const std::string& s) {
    for (size_t i = 0; i < s.size();) {
      unsigned char c = s[i];
      size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
      if (n == 0 || i + n > s.size()) return false;
      for (size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
      i += n;
    }
    return true;
  }
  static void set_name(archive_entry* e, const std::string& name, const std::string& full) {
    if (!valid_utf8(name)) fail("file name is not valid UTF-8", full);
    archive_entry_copy_pathname(e, name.c_str());
  }

  void add_xattrs(archive_entry* e, const std::string& full) {
    char list[4096];
    ssize_t n = llistxattr(full.c_str(), list, sizeof list);
    if (n <= 0) return;
    std::vector<std::string> names;
    for (ssize_t i = 0; i < n; i += std::strlen(list + i) + 1) {
      std::string name(list + i);
      if (name == "security.capability" || name.rfind("user.", 0) == 0) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      char value[4096];
      ssize_t len = lgetxattr(full.c_str(), name.c_str(), value, sizeof value);
      if (len < 0) fail("cannot read xattr " + name + ": " + std::strerror(errno), full);
      archive_entry_xattr_add_entry(e, name.c_str(), value, static_cast<size_t>(len));
    }
  }

  void emit(std::unique_ptr<archive_entry, EntryDeleter> e, const std::string& full, std::vector<char> data) {
    if (e) ++stats.entries;
    if (!queue_.push(Item{std::move(e), std::move(data), full})) throw Aborted{};
  }

  // Reads the file in chunks; the first chunk travels with the header.
  void copy_file(std::unique_ptr<archive_entry, EntryDeleter> e, const std::string& full, off_t size) {
    int fd = open(full.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) fail(std::string("open: ") + std::strerror(errno), full);
    struct Closer {
      int fd;
      ~Closer() { close(fd); }
    } closer{fd};
    constexpr off_t kChunk = 4 << 20;
    off_t left = size;
    bool first = true;
    do {
      std::vector<char> buf(static_cast<size_t>(std::min(left, kChunk)));
      size_t got = 0;
      while (got < buf.size()) {
        ssize_t n = read(fd, buf.data() + got, buf.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("file shrank or read failed while archiving", full);
        got += static_cast<size_t>(n);
      }
      left -= static_cast<off_t>(buf.size());
      emit(first ? std::move(e) : nullptr, full, std::move(buf));
      first = false;
    } while (left > 0);
    stats.file_bytes += size;
  }

  fs::path root_;
  const TarWriteOptions& options_;
  ItemQueue& queue_;
  std::map<std::pair<dev_t, ino_t>, std::string> hardlinks_;
};

// zstd compression done here rather than by libarchive's filter: libarchive 3.6 feeds
// the multi-threaded compressor in a way that leaves its workers mostly idle. zstd's
// output with one or more workers does not depend on the worker count.
class ZstdFile {
 public:
  ZstdFile(const fs::path& path, int level, int workers) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) fail(std::string("create: ") + std::strerror(errno), path.string());
    cctx_ = ZSTD_createCCtx();
    check(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level));
    check(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_nbWorkers, std::max(1, workers)));
    out_.resize(ZSTD_CStreamOutSize());
  }
  ~ZstdFile() {
    ZSTD_freeCCtx(cctx_);
    if (fd_ >= 0) ::close(fd_);
  }
  static la_ssize_t write_cb(archive*, void* self, const void* buf, size_t len) {
    auto* z = static_cast<ZstdFile*>(self);
    try {
      z->compress(buf, len, ZSTD_e_continue);
    } catch (const std::exception& e) {
      z->error_ = e.what();
      return -1;
    }
    return static_cast<la_ssize_t>(len);
  }
  void finish() {
    compress(nullptr, 0, ZSTD_e_end);
    if (::close(fd_) != 0) fail(std::string("close: ") + std::strerror(errno), path_.string());
    fd_ = -1;
  }
  const std::string& error() const { return error_; }

 private:
  void check(size_t rc) {
    if (ZSTD_isError(rc)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(rc));
  }
  void compress(const void* buf, size_t len, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{buf, len, 0};
    for (;;) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      size_t remaining = ZSTD_compressStream2(cctx_, &out, &in, mode);
      check(remaining);
      write_all(out.pos);
      bool done = mode == ZSTD_e_end ? remaining == 0 : in.pos == in.size;
      if (done) return;
    }
  }
  void write_all(size_t n) {
    size_t off = 0;
    while (off < n) {
      ssize_t w = ::write(fd_, out_.data() + off, n - off);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) fail(std::string("write: ") + std::strerror(errno), path_.string());
      off += static_cast<size_t>(w);
    }
  }
  fs::path path_;
  int fd_ = -1;
  ZSTD_CCtx* cctx_ = nullptr;
  std::vector<char> out_;
  std::string error_;
};

void set_option(archive* a, const char* module, const char* key, const std::string& value) {
  if (archive_write_set_filter_option(a, module, key, value.empty() ? nullptr : value.c_str()) < ARCHIVE_OK)
    throw std::runtime_error(std::string("archive option ") + module + ":" + key + ": " +
                             (archive_error_string(a) ? archive_error_string(a) : "rejected"));
}

int compression_threads(const TarWriteOptions& o) {
  return o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void configure_filter(archive* a, const TarWriteOptions& o) {
  int threads = compression_threads(o);
  switch (o.compression) {
    case Compression::zstd:
      archive_write_add_filter_none(a);  // ZstdFile compresses
      break;
    case Compression::xz:
      archive_write_add_filter_xz(a);
      set_option(a, "xz", "compression-level", std::to_string(o.level >= 0 ? o.level : 6));
      // Always the threaded encoder (even with 1 thread) so the block layout is the same everywhere.
      set_option(a, "xz", "threads", std::to_string(std::max(threads, 2)));
      break;
    case Compression::gzip:
      archive_write_add_filter_gzip(a);
      set_option(a, "gzip", "compression-level", std::to_string(o.level >= 0 ? o.level : 6));
      if (archive_write_set_filter_option(a, "gzip", "timestamp", nullptr) < ARCHIVE_OK)
        throw std::runtime_error("cannot disable the gzip timestamp");
      break;
    case Compression::none:
      archive_write_add_filter_none(a);
      break;
  }
}

}  // namespace


TarWriteStats write_rootfs_archive(const fs::path& root, const fs::path& out, const TarWriteOptions& options) {
  Utf8ThreadLocale utf8;  // pax names are UTF-8, whatever the host locale
  fs::path tmp = out;
  tmp += ".partial-" + std::to_string(getpid());
  std::unique_ptr<archive, ArchiveDeleter> a(archive_write_new());
  archive_write_set_format_pax_restricted(a.get());
  configure_filter(a.get(), options);
  // Large blocks keep per-call overhead low in the compressor; with bytes_in_last_block = 1
  // the block size does not change the output bytes.
  archive_write_set_bytes_per_block(a.get(), 1 << 20);
  archive_write_set_bytes_in_last_block(a.get(), 1);
  std::unique_ptr<ZstdFile> zstd;
  if (options.compression == Compression::zstd) {
    zstd = std::make_unique<ZstdFile>(tmp, options.level >= 0 ? options.level : 3, compression_threads(options));
    if (archive_write_open2(a.get(), zstd.get(), nullptr, &ZstdFile::write_cb, nullptr, nullptr) != ARCHIVE_OK)
      throw std::runtime_error(tmp.string() + ": " + archive_error_string(a.get()));
  } else if (archive_write_open_filename(a.get(), tmp.c_str()) != ARCHIVE_OK) {
    throw std::runtime_error(tmp.string() + ": " + archive_error_string(a.get()));
  }
  TarWriteStats stats;
  ItemQueue queue(64 << 20);
  Writer w(root, options, queue);
  std::thread reader([&] {
    std::exception_ptr error;
    try {
      w.add_root();
      w.walk_dir("", true);
    } catch (const Aborted&) {
    } catch (...) {
      error = std::current_exception();
    }
    queue.finish(error);
  });
  try {
    while (auto item = queue.pop()) {
      if (item->entry && archive_write_header(a.get(), item->entry.get()) < ARCHIVE_OK && archive_errno(a.get()) != 0)
        fail(std::string("archive header: ") + archive_error_string(a.get()), item->path);
      if (!item->data.empty() &&
          archive_write_data(a.get(), item->data.data(), item->data.size()) != static_cast<la_ssize_t>(item->data.size()))
        fail(std::string("archive write: ") + archive_error_string(a.get()), item->path);
    }
    reader.join();
    if (auto error = queue.error()) std::rethrow_exception(error);
    stats = w.stats;
    if (archive_write_close(a.get()) != ARCHIVE_OK)
      throw std::runtime_error(tmp.string() + ": " +
                               (zstd && !zstd->error().empty() ? zstd->error() : archive_error_string(a.get())));
    if (zstd) zstd->finish();
  } catch (...) {
    queue.abort();
    if (reader.joinable()) {
      while (queue.pop()) {
      }
      reader.join();
    }
    a.reset();
    zstd.reset();
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  a.reset();
  fs::rename(tmp, out);
  return stats;
}

}  // namespace sarga::artifact
