// ext4 partitions: `mke2fs -d` straight into the image at the partition's offset, then a pass
// with libext2fs that does what e2fsprogs 1.47.1 does with SOURCE_DATE_EPOCH and Debian 12's
// 1.47.0 does not: clamp every inode time to SDE (the host tree's ctimes and atimes change
// whenever it is read or staged) and give the filesystem's root directory the source
// directory's mode (e.g. 1777 for /tmp; mke2fs leaves 0755).
#include <ext2fs/ext2fs.h>

#include <cstring>
#include <fstream>
#include <stdexcept>

#include "builder/outputs/disk_internal.h"
#include "lib/process/process.h"

namespace fs = std::filesystem;

namespace sarga::outputs::disk {

namespace {

// Pinned features, so the host's /etc/mke2fs.conf cannot change the image (Debian 12's ext4
// set, which the bookworm kernel and its e2fsck in the initrd understand).
constexpr const char* kMke2fsConf = R"([defaults]
	base_features = sparse_super,large_file,filetype,resize_inode,dir_index,ext_attr
	default_mntopts = acl,user_xattr
	enable_periodic_fsck = 0
	blocksize = 4096
	inode_size = 256
	inode_ratio = 16384
[fs_types]
	ext4 = {
		features = has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize
	}
)";

// One ext4 timestamp: 32 low bits plus, in the large inode, 2 epoch bits and nanoseconds.
void clamp_time(__u32& low, __u32* extra, std::int64_t sde) {
  std::int64_t t = static_cast<std::int32_t>(low);
  if (extra) t += static_cast<std::int64_t>(*extra & 3) << 32;
  if (t <= sde) return;
  low = static_cast<__u32>(sde);
  if (extra) *extra = static_cast<__u32>(((sde - static_cast<std::int32_t>(low)) >> 32) & 3);
}

struct FsCloser {
  ext2_filsys fs = nullptr;
  ~FsCloser() {
    if (fs) ext2fs_close_free(&fs);
  }
};

[[noreturn]] void ext2_fail(const std::string& what, errcode_t err) {
  throw std::runtime_error(what + ": " + error_message(err));
}

}  // namespace

void clamp_ext4(const fs::path& image, std::uint64_t offset_bytes, std::int64_t sde, const struct stat& root_meta) {
  initialize_ext2_error_table();
  std::string io_options = "offset=" + std::to_string(offset_bytes);
  FsCloser h;
  errcode_t err = ext2fs_open2(image.c_str(), io_options.c_str(), EXT2_FLAG_RW | EXT2_FLAG_64BITS, 0, 0,
                               unix_io_manager, &h.fs);
  if (err) ext2_fail("cannot open the ext4 filesystem at byte " + std::to_string(offset_bytes) + " of " + image.string(), err);
  h.fs->now = static_cast<time_t>(sde);  // the superblock's write time on close

  std::vector<ext2_ino_t> used;
  {
    ext2_inode_scan scan = nullptr;
    if ((err = ext2fs_open_inode_scan(h.fs, 0, &scan))) ext2_fail("inode scan", err);
    ext2_ino_t ino = 0;
    ext2_inode inode{};
    while ((err = ext2fs_get_next_inode(scan, &ino, &inode)) == 0 && ino != 0)
      if (inode.i_links_count > 0 || ino < EXT2_FIRST_INODE(h.fs->super)) used.push_back(ino);
    ext2fs_close_inode_scan(scan);
    if (err) ext2_fail("inode scan", err);
  }

  for (ext2_ino_t ino : used) {
    ext2_inode_large inode{};
    if ((err = ext2fs_read_inode_full(h.fs, ino, reinterpret_cast<ext2_inode*>(&inode), sizeof inode)))
      ext2_fail("read inode " + std::to_string(ino), err);
    ext2_inode_large before = inode;
    bool large = EXT2_INODE_SIZE(h.fs->super) > EXT2_GOOD_OLD_INODE_SIZE;
    unsigned extra = large ? inode.i_extra_isize : 0;
    clamp_time(inode.i_ctime, extra >= 8 ? &inode.i_ctime_extra : nullptr, sde);
    clamp_time(inode.i_mtime, extra >= 12 ? &inode.i_mtime_extra : nullptr, sde);
    clamp_time(inode.i_atime, extra >= 16 ? &inode.i_atime_extra : nullptr, sde);
    if (extra >= 24) clamp_time(inode.i_crtime, &inode.i_crtime_extra, sde);
    if (ino == EXT2_ROOT_INO) inode.i_mode = static_cast<__u16>((inode.i_mode & ~07777) | (root_meta.st_mode & 07777));
    if (std::memcmp(&before, &inode, sizeof inode) == 0) continue;
    if ((err = ext2fs_write_inode_full(h.fs, ino, reinterpret_cast<ext2_inode*>(&inode), sizeof inode)))
      ext2_fail("write inode " + std::to_string(ino), err);
  }
  ext2fs_mark_super_dirty(h.fs);
  err = ext2fs_close_free(&h.fs);
  if (err) ext2_fail("cannot write the ext4 filesystem in " + image.string(), err);
}

void write_ext4(const fs::path& image, const PlannedPartition& part, const fs::path& tree, const struct stat& root_meta,
                std::int64_t sde, const fs::path& work_dir) {
  fs::path conf = work_dir / "mke2fs.conf";
  {
    std::ofstream f(conf, std::ios::binary | std::ios::trunc);
    f << kMke2fsConf;
    if (!f.flush()) throw std::runtime_error("cannot write " + conf.string());
  }
  std::uint64_t offset = part.start_sector * kSectorBytes;
  std::uint64_t size_kib = part.size_sectors * kSectorBytes / 1024;
  std::string label = part.name.substr(0, 16);  // ext4 labels hold 16 bytes
  try {
    process::run({"mke2fs", "-q", "-F", "-t", "ext4", "-U", part.fs_uuid, "-L", label, "-E",
                  "offset=" + std::to_string(offset) + ",hash_seed=" + part.fs_uuid +
                      ",assume_storage_prezeroed=1,root_owner=" + std::to_string(root_meta.st_uid) + ":" +
                      std::to_string(root_meta.st_gid),
                  "-d", tree.string(), image.string(), std::to_string(size_kib) + "k"},
                 {.env = {{"E2FSPROGS_FAKE_TIME", std::to_string(sde)}, {"MKE2FS_CONFIG", conf.string()}}});
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    bool full = what.find("Could not allocate block") != std::string::npos ||
                what.find("No free space") != std::string::npos;
    throw std::runtime_error("partition " + part.name + " (" + part.mountpoint + ", " +
                             std::to_string(part.size_sectors / kSectorsPerMiB) + "M): " + what +
                             (full ? "; its content does not fit: raise the partition's size" : ""));
  }
  clamp_ext4(image, offset, sde, root_meta);
}

}  // namespace sarga::outputs::disk
