#include "lib/artifact/tar_extract.h"
#include "lib/artifact/tar_locale.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;

namespace sarga::artifact {

namespace {
std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> parts;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, '/'))
    if (!cur.empty() && cur != ".") parts.push_back(cur);
  return parts;
}
}  // namespace

std::string checked_member_path(const std::string& name) {
  if (name.empty()) throw UnsafeArchiveEntry("empty member name");
  if (name[0] == '/') throw UnsafeArchiveEntry("absolute path \"" + name + "\" refused");
  std::string out;
  for (const auto& part : split(name)) {
    if (part == "..") throw UnsafeArchiveEntry("path with \"..\" \"" + name + "\" refused");
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

bool symlink_escapes(const std::string& link_rel, const std::string& target) {
  if (!target.empty() && target[0] == '/') return false;
  auto depth_parts = split(link_rel);
  if (!depth_parts.empty()) depth_parts.pop_back();  // the link's own name
  long depth = static_cast<long>(depth_parts.size());
  for (const auto& part : split(target)) {
    depth += part == ".." ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

ExtractStats extract_archive_safely(const fs::path& archive_file, const fs::path& dest_in,
                                    const ExtractOptions& options) {
  struct ReadFree {
    void operator()(archive* a) const { archive_read_free(a); }
  };
  struct WriteFree {
    void operator()(archive* a) const { archive_write_free(a); }
  };
  Utf8ThreadLocale utf8;  // member names are UTF-8 in pax; convert them without the host locale
  fs::create_directories(dest_in);
  const fs::path dest = fs::canonical(dest_in);
  std::unique_ptr<archive, ReadFree> in(archive_read_new());
  archive_read_support_filter_all(in.get());
  archive_read_support_format_all(in.get());
  if (archive_read_open_filename(in.get(), archive_file.c_str(), 1 << 20) != ARCHIVE_OK)
    throw std::runtime_error(archive_file.string() + ": " + archive_error_string(in.get()));
  std::unique_ptr<archive, WriteFree> out(archive_write_disk_new());
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_TIME |
                                                ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL |
                                                ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                ARCHIVE_EXTRACT_UNLINK);
  archive_write_disk_set_standard_lookup(out.get());
  ExtractStats stats;
  auto where = [&](const std::string& member) { return archive_file.string() + ": member \"" + member + "\": "; };
  archive_entry* e;
  int r;
  while ((r = archive_read_next_header(in.get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    std::string rel;
    try {
      rel = checked_member_path(name);
    } catch (const UnsafeArchiveEntry& ex) {
      throw UnsafeArchiveEntry(archive_file.string() + ": " + ex.what());
    }
    auto type = archive_entry_filetype(e);
    if (type == AE_IFCHR || type == AE_IFBLK) {
      if (options.devices == ExtractOptions::Devices::refuse)
        throw UnsafeArchiveEntry(where(name) + "device node refused (allow_devices is off)");
      if (options.devices == ExtractOptions::Devices::skip) {
        ++stats.skipped_devices;
        continue;
      }
    }
    if (const char* hl = archive_entry_hardlink(e)) {
      std::string target;
      try {
        target = checked_member_path(hl);
      } catch (const UnsafeArchiveEntry& ex) {
        throw UnsafeArchiveEntry(where(name) + "hard link target: " + ex.what());
      }
      archive_entry_copy_hardlink(e, (dest / target).c_str());
    }
    if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(e);
      if (target && symlink_escapes(rel, target))
        throw UnsafeArchiveEntry(where(name) + "symlink to \"" + target + "\" escapes the root");
    }
    archive_entry_copy_pathname(e, (rel.empty() ? dest : dest / rel).c_str());
    if (archive_write_header(out.get(), e) < ARCHIVE_WARN)
      throw std::runtime_error(where(name) + archive_error_string(out.get()));
    if (archive_entry_size(e) > 0) {
      const void* buf;
      size_t size;
      la_int64_t offset;
      while ((r = archive_read_data_block(in.get(), &buf, &size, &offset)) == ARCHIVE_OK)
        if (archive_write_data_block(out.get(), buf, size, offset) < ARCHIVE_OK)
          throw std::runtime_error(where(name) + archive_error_string(out.get()));
      if (r != ARCHIVE_EOF) throw std::runtime_error(where(name) + archive_error_string(in.get()));
    }
    if (archive_write_finish_entry(out.get()) < ARCHIVE_WARN)
      throw std::runtime_error(where(name) + archive_error_string(out.get()));
    ++stats.entries;
  }
  if (r != ARCHIVE_EOF) throw std::runtime_error(archive_file.string() + ": " + archive_error_string(in.get()));
  if (archive_write_close(out.get()) != ARCHIVE_OK)
    throw std::runtime_error(dest.string() + ": " + archive_error_string(out.get()));
  return stats;
}

}  // namespace sarga::artifact
