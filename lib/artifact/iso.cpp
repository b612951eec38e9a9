#include "lib/artifact/iso.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <set>

namespace sarga::artifact {
namespace {

using ArchivePtr = std::unique_ptr<struct archive, decltype(&archive_write_free)>;
using EntryPtr = std::unique_ptr<struct archive_entry, decltype(&archive_entry_free)>;

[[noreturn]] void fail_archive(struct archive* a, const std::string& what) {
  const char* detail = archive_error_string(a);
  throw IsoError("iso: " + what + ": " + (detail ? detail : "unknown libarchive error"));
}

void check(struct archive* a, int rc, const std::string& what) {
  if (rc < ARCHIVE_WARN) fail_archive(a, what);
}

la_ssize_t append_to_string(struct archive*, void* client, const void* buf, size_t n) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

void validate_name(const std::string& name) {
  if (name.empty() || name == "." || name == "..")
    throw IsoError("iso: invalid file name \"" + name + "\"");
  if (name.size() > 64)  // Joliet's limit for a file identifier
    throw IsoError("iso: file name \"" + name + "\" is longer than 64 characters");
  for (unsigned char c : name)
    if (c == '/' || c == '\\' || c < 0x20)
      throw IsoError("iso: file name \"" + name + "\" contains a forbidden character");
}

void validate_volume_id(const std::string& id) {
  if (id.empty() || id.size() > 32)
    throw IsoError("iso: volume id must be 1 to 32 characters, got \"" + id + "\"");
  for (char c : id)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      throw IsoError("iso: volume id \"" + id + "\" may only hold letters, digits and '_'");
}

// ---- date rewriting -------------------------------------------------------------------------

constexpr std::size_t kSector = 2048;
constexpr std::size_t kFirstDescriptor = 16 * kSector;

std::uint32_t le32(const std::string& s, std::size_t at) {
  if (at + 4 > s.size()) throw IsoError("iso: truncated image");
  auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + i])); };
  return b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24);
}

struct Stamp {
  char short_form[7];  // directory-record and short TF form
  char long_form[17];  // volume-descriptor and long TF form
  char ctime_form[25];  // asctime layout, without the newline
};

Stamp make_stamp(std::int64_t timestamp) {
  time_t t = static_cast<time_t>(timestamp);
  struct tm tm {};
  if (!gmtime_r(&t, &tm) || tm.tm_year < 0 || tm.tm_year > 255)
    throw IsoError("iso: timestamp " + std::to_string(timestamp) + " is outside 1900..2155");
  Stamp s{};
  s.short_form[0] = static_cast<char>(tm.tm_year);
  s.short_form[1] = static_cast<char>(tm.tm_mon + 1);
  s.short_form[2] = static_cast<char>(tm.tm_mday);
  s.short_form[3] = static_cast<char>(tm.tm_hour);
  s.short_form[4] = static_cast<char>(tm.tm_min);
  s.short_form[5] = static_cast<char>(tm.tm_sec);
  s.short_form[6] = 0;  // UTC
  char digits[32];
  std::snprintf(digits, sizeof digits, "%04d%02d%02d%02d%02d%02d00", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::copy(digits, digits + 16, s.long_form);
  s.long_form[16] = 0;  // UTC
  if (std::strftime(s.ctime_form, sizeof s.ctime_form, "%a %b %e %H:%M:%S %Y", &tm) != 24)
    throw IsoError("iso: cannot format timestamp " + std::to_string(timestamp));
  return s;
}

class DateFixer {
 public:
  DateFixer(std::string& image, const Stamp& stamp) : img_(image), stamp_(stamp) {}

  void run() {
    bool terminated = false;
    for (std::size_t at = kFirstDescriptor; at + kSector <= img_.size(); at += kSector) {
      if (img_.compare(at + 1, 5, "CD001") != 0) throw IsoError("iso: bad volume descriptor");
      auto type = static_cast<unsigned char>(img_[at]);
      if (type == 255) {
        terminated = true;
        terminator_ = at;
        break;
      }
      if (type == 1 || type == 2) fix_volume(at);
    }
    if (!terminated) throw IsoError("iso: no volume descriptor set terminator");
    fix_information_block(terminator_ + kSector);
  }

 private:
  void put(std::size_t at, const char* bytes, std::size_t n) {
    if (at + n > img_.size()) throw IsoError("iso: truncated image");
    std::copy(bytes, bytes + n, img_.begin() + static_cast<std::ptrdiff_t>(at));
  }

  // libarchive writes "INFO <ctime of the build>\n<version> <options>" in the block after the
  // descriptor terminator; its clock time is the one date outside the ISO9660 structures.
  void fix_information_block(std::size_t at) {
    constexpr std::size_t kCtimeLen = 24;  // "Www Mmm dd hh:mm:ss yyyy"
    if (at + kSector > img_.size() || img_.compare(at, 5, "INFO ") != 0) return;
    if (img_[at + 5 + kCtimeLen] != '\n') throw IsoError("iso: unexpected information block");
    put(at + 5, stamp_.ctime_form, kCtimeLen);
  }

  void fix_volume(std::size_t vd) {
    // Creation, modification and effective dates; expiration (847) stays "not specified".
    for (std::size_t off : {813u, 830u, 864u}) put(vd + off, stamp_.long_form, 17);
    std::size_t root = vd + 156;
    put(root + 18, stamp_.short_form, 7);
    walk_directory(le32(img_, root + 2), le32(img_, root + 10), 0);
  }

  void walk_directory(std::uint32_t lba, std::uint32_t length, int depth) {
    if (depth > 16) throw IsoError("iso: directory tree too deep");
    if (!visited_.insert(lba).second) return;  // "." and ".." point back; each extent once
    std::size_t start = static_cast<std::size_t>(lba) * kSector;
    std::size_t end = start + length;
    if (end > img_.size() || end < start) throw IsoError("iso: directory extent out of range");
    std::size_t at = start;
    while (at < end) {
      auto len = static_cast<unsigned char>(img_[at]);
      if (len == 0) {  // records never cross a sector: skip the padding to the next one
        at = (at / kSector + 1) * kSector;
        continue;
      }
      if (len < 34 || at + len > end) throw IsoError("iso: bad directory record");
      fix_record(at, len, depth);
      at += len;
    }
  }

  void fix_record(std::size_t rec, std::size_t len, int depth) {
    put(rec + 18, stamp_.short_form, 7);
    auto flags = static_cast<unsigned char>(img_[rec + 25]);
    auto name_len = static_cast<unsigned char>(img_[rec + 32]);
    std::size_t su = rec + 33 + name_len + ((name_len % 2 == 0) ? 1 : 0);
    bool self_or_parent = name_len == 1 && (img_[rec + 33] == 0 || img_[rec + 33] == 1);
    if (su < rec + len) fix_system_use(su + sp_skip_, rec + len, 0);
    if ((flags & 0x02) && !self_or_parent)
      walk_directory(le32(img_, rec + 2), le32(img_, rec + 10), depth + 1);
  }

  // SUSP entries (Rock Ridge): rewrite TF timestamps and follow CE continuation areas.
  void fix_system_use(std::size_t at, std::size_t end, int hops) {
    // Bounded in depth and in total, so crafted CE loops cannot make the walk explode.
    if (hops > 8 || ++continuations_ > 4096) throw IsoError("iso: too many continuation areas");
    while (at + 4 <= end) {
      auto entry_len = static_cast<unsigned char>(img_[at + 2]);
      if (entry_len < 4 || at + entry_len > end) return;  // padding or end of entries
      std::string sig = img_.substr(at, 2);
      if (sig == "TF") {
        auto tf_flags = static_cast<unsigned char>(img_[at + 4]);
        bool long_form = tf_flags & 0x80;
        std::size_t size = long_form ? 17 : 7;
        std::size_t p = at + 5;
        for (int bit = 0; bit < 7; ++bit) {
          if (!(tf_flags & (1u << bit))) continue;
          if (p + size > at + entry_len) throw IsoError("iso: bad Rock Ridge TF entry");
          put(p, long_form ? stamp_.long_form : stamp_.short_form, size);
          p += size;
        }
      } else if (sig == "SP" && entry_len >= 7) {
        sp_skip_ = static_cast<unsigned char>(img_[at + 6]);
      } else if (sig == "CE" && entry_len >= 28) {
        std::size_t block = le32(img_, at + 4), offset = le32(img_, at + 12),
                    length = le32(img_, at + 20);
        std::size_t ce = block * kSector + offset;
        if (ce + length > img_.size()) throw IsoError("iso: continuation area out of range");
        fix_system_use(ce, ce + length, hops + 1);
      } else if (sig == "ST") {
        return;
      }
      at += entry_len;
    }
  }

  std::string& img_;
  const Stamp& stamp_;
  std::set<std::uint32_t> visited_;
  std::size_t terminator_ = 0;
  int continuations_ = 0;
  std::size_t sp_skip_ = 0;
};

// libarchive upper-cases the primary label; NoCloud tools (cloud-localds, genisoimage -V) keep
// "cidata" as given, and the Joliet label already is.
void set_primary_volume_id(std::string& image, const std::string& id) {
  std::size_t at = kFirstDescriptor + 40;
  if (image.size() < at + 32 || image[kFirstDescriptor] != 1)
    throw IsoError("iso: no primary volume descriptor");
  std::string padded = id + std::string(32 - id.size(), ' ');
  std::copy(padded.begin(), padded.end(), image.begin() + static_cast<std::ptrdiff_t>(at));
}

}  // namespace

void fix_iso_dates(std::string& image, std::int64_t timestamp) {
  Stamp stamp = make_stamp(timestamp);
  DateFixer(image, stamp).run();
}

std::string iso_volume_id(const std::string& image) {
  std::size_t vd = kFirstDescriptor;
  if (image.size() < vd + kSector || image[vd] != 1 || image.compare(vd + 1, 5, "CD001") != 0)
    throw IsoError("iso: no primary volume descriptor");
  std::string id = image.substr(vd + 40, 32);
  id.erase(id.find_last_not_of(' ') + 1);
  return id;
}

std::string render_iso(std::vector<IsoFile> files, const IsoOptions& options) {
  validate_volume_id(options.volume_id);
  std::sort(files.begin(), files.end(),
            [](const IsoFile& a, const IsoFile& b) { return a.name < b.name; });
  for (std::size_t i = 0; i < files.size(); ++i) {
    validate_name(files[i].name);
    if (i > 0 && files[i].name == files[i - 1].name)
      throw IsoError("iso: duplicate file name \"" + files[i].name + "\"");
  }

  ArchivePtr a(archive_write_new(), archive_write_free);
  if (!a) throw IsoError("iso: out of memory");
  check(a.get(), archive_write_set_format_iso9660(a.get()), "select iso9660 format");
  check(a.get(), archive_write_set_bytes_in_last_block(a.get(), 1), "set block padding");
  // Rock Ridge "useful" normalises owners and modes; padding is for old CD drives only.
  const char* settings[][2] = {{"volume-id", options.volume_id.c_str()},
                               {"rockridge", "useful"},
                               {"joliet", "1"},
                               {"iso-level", "2"},
                               {"pad", nullptr}};
  for (auto& [key, value] : settings)
    check(a.get(), archive_write_set_format_option(a.get(), "iso9660", key, value),
          std::string("set option ") + key);

  std::string image;
  check(a.get(), archive_write_open2(a.get(), &image, nullptr, append_to_string, nullptr, nullptr),
        "open");
  for (const IsoFile& f : files) {
    EntryPtr e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), f.name.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(f.content.size()));
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    archive_entry_set_mtime(e.get(), static_cast<time_t>(options.timestamp), 0);
    archive_entry_set_atime(e.get(), static_cast<time_t>(options.timestamp), 0);
    archive_entry_set_ctime(e.get(), static_cast<time_t>(options.timestamp), 0);
    check(a.get(), archive_write_header(a.get(), e.get()), "add " + f.name);
    std::size_t done = 0;
    while (done < f.content.size()) {
      la_ssize_t n = archive_write_data(a.get(), f.content.data() + done, f.content.size() - done);
      if (n <= 0) fail_archive(a.get(), "write " + f.name);
      done += static_cast<std::size_t>(n);
    }
  }
  check(a.get(), archive_write_close(a.get()), "close");
  fix_iso_dates(image, options.timestamp);
  set_primary_volume_id(image, options.volume_id);
  return image;
}

}  // namespace sarga::artifact
