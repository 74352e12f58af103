//===- ExternalData.cpp - Reading tensors stored beside the model ---------===//
//
// A model can keep tensors in other files (TensorProto.external_data: a
// location relative to the model's folder, an offset and a length). Those
// entries come from the model, so they are hostile input: aic reads only a
// regular file inside the model's folder, reached without following a
// symbolic link at any step of the location, not hard-linked to another
// name (which could be a file elsewhere), opened so that opening cannot
// block (a FIFO) or touch a device, and only the byte range that lies
// inside the file and matches the tensor's size.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

using namespace mlir;
using namespace aic::importer;

namespace {
/// A file descriptor closed on scope exit.
class FileHandle {
public:
  explicit FileHandle(int fd = -1) : fd(fd) {}
  FileHandle(const FileHandle &) = delete;
  FileHandle &operator=(const FileHandle &) = delete;
  ~FileHandle() { reset(); }
  void reset(int other = -1) {
    if (fd >= 0)
      ::close(fd);
    fd = other;
  }
  int get() const { return fd; }
  int release() { return std::exchange(fd, -1); }

private:
  int fd;
};

/// What a TensorProto's external_data entries say.
struct ExternalDataRef {
  std::string location;
  int64_t offset = 0;
  int64_t length = -1; // -1: the tensor's size
};
} // namespace

static LogicalResult parseRef(const onnx::TensorProto &tensor,
                              ExternalDataRef &ref, std::string &error) {
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    const std::string &key = entry.key(), &value = entry.value();
    if (key == "location") {
      ref.location = value;
    } else if (key == "offset" || key == "length") {
      long long parsed;
      if (llvm::StringRef(value).getAsInteger(10, parsed) || parsed < 0) {
        error = "invalid external-data " + key + " '" + value + "'";
        return failure();
      }
      (key == "offset" ? ref.offset : ref.length) = parsed;
    }
  }
  if (ref.location.empty()) {
    error = "external data without a location";
    return failure();
  }
  return success();
}

/// The components of a relative location, or an error for an absolute one
/// or one that steps out with `..`.
static LogicalResult splitLocation(llvm::StringRef location,
                                   SmallVectorImpl<std::string> &parts,
                                   std::string &error) {
  namespace path = llvm::sys::path;
  std::string name = location.str();
  if (path::is_absolute(location) ||
      path::is_absolute(location, path::Style::windows)) {
    error = "external data location '" + name +
            "' is an absolute path; only files inside the model's folder "
            "are read";
    return failure();
  }
  if (location.contains('\0')) {
    error = "external data location '" +
            llvm::StringRef(name).split('\0').first.str() +
            "...' contains a NUL byte";
    return failure();
  }
  for (auto it = path::begin(location), e = path::end(location); it != e;
       ++it) {
    if (*it == "..") {
      error = "external data location '" + name + "' leaves the model's folder";
      return failure();
    }
    if (*it != "." && !it->empty())
      parts.push_back(it->str());
  }
  if (parts.empty()) {
    error = "external data location '" + name + "' names no file";
    return failure();
  }
  return success();
}

static std::string describeMode(mode_t mode) {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISLNK(mode))
    return "a symbolic link";
  if (S_ISFIFO(mode))
    return "a FIFO";
  if (S_ISCHR(mode) || S_ISBLK(mode))
    return "a device";
  if (S_ISSOCK(mode))
    return "a socket";
  return "not a regular file";
}

/// Opens the file of `ref` for reading under the rules of the file comment
/// and checks its byte range; `expected` is the tensor's size in bytes, or
/// -1 to check only that the range lies in the file.
static LogicalResult openRef(const ExternalDataRef &ref,
                             llvm::StringRef modelDir, int64_t expected,
                             FileHandle &file, int64_t &length,
                             std::string &error) {
  SmallVector<std::string> parts;
  if (failed(splitLocation(ref.location, parts, error)))
    return failure();
  const std::string &name = ref.location;
  std::string dir = modelDir.empty() ? "." : modelDir.str();
  // The model's folder itself is the user's choice; below it, no links.
  FileHandle current(
      ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK));
  if (current.get() < 0) {
    error = "cannot open the model's folder for external data '" + name +
            "': " + std::strerror(errno);
    return failure();
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    const char *part = parts[i].c_str();
    bool last = i + 1 == parts.size();
    // Look before opening: a device or FIFO is never opened at all.
    struct stat info;
    if (::fstatat(current.get(), part, &info, AT_SYMLINK_NOFOLLOW) != 0) {
      error = "cannot open external data file '" + name +
              "': " + std::strerror(errno);
      return failure();
    }
    if (S_ISLNK(info.st_mode)) {
      error = "external data location '" + name + "' goes through '" +
              parts[i] + "', a symbolic link; links are not followed";
      return failure();
    }
    if (!last && !S_ISDIR(info.st_mode)) {
      error = "external data location '" + name + "': '" + parts[i] +
              "' is not a directory";
      return failure();
    }
    if (last && !S_ISREG(info.st_mode)) {
      error = "external data file '" + name + "' is " +
              describeMode(info.st_mode) + ", not a regular file";
      return failure();
    }
    int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
                (last ? 0 : O_DIRECTORY);
    int fd = ::openat(current.get(), part, flags);
    if (fd < 0) {
      error = "cannot open external data file '" + name +
              "': " + std::strerror(errno);
      return failure();
    }
    // The entry may have been swapped since fstatat: it must be the same.
    struct stat opened;
    if (::fstat(fd, &opened) != 0 || opened.st_dev != info.st_dev ||
        opened.st_ino != info.st_ino) {
      ::close(fd);
      error = "external data file '" + name + "' changed while it was opened";
      return failure();
    }
    current.reset(fd);
    if (!last)
      continue;
    if (opened.st_nlink > 1) {
      error = "external data file '" + name + "' has " +
              std::to_string(opened.st_nlink) +
              " hard links; a linked file may live outside the model's "
              "folder, so only files with one link are read";
      return failure();
    }
    length = ref.length < 0 ? expected : ref.length;
    if (expected >= 0 && length != expected) {
      error = "external data length " + std::to_string(length) +
              " does not match the " + std::to_string(expected) +
              " bytes of the tensor";
      return failure();
    }
    int64_t size = opened.st_size;
    if (ref.offset > size || (length >= 0 && length > size - ref.offset)) {
      error = "external data range [" + std::to_string(ref.offset) + ", " +
              std::to_string(ref.offset) + " + " +
              std::to_string(std::max<int64_t>(length, 0)) +
              ") lies outside file '" + name + "' of " + std::to_string(size) +
              " bytes";
      return failure();
    }
  }
  file.reset(current.release());
  return success();
}

LogicalResult aic::importer::checkExternalData(const onnx::TensorProto &tensor,
                                               llvm::StringRef modelDir,
                                               std::string &error) {
  ExternalDataRef ref;
  FileHandle file;
  int64_t length;
  return failure(
      failed(parseRef(tensor, ref, error)) ||
      failed(openRef(ref, modelDir, /*expected=*/-1, file, length, error)));
}

LogicalResult aic::importer::readExternalData(const onnx::TensorProto &tensor,
                                              llvm::StringRef modelDir,
                                              int64_t expected,
                                              std::vector<char> &out,
                                              std::string &error) {
  ExternalDataRef ref;
  FileHandle file;
  int64_t length;
  if (failed(parseRef(tensor, ref, error)) ||
      failed(openRef(ref, modelDir, expected, file, length, error)))
    return failure();
  out.resize(length);
  int64_t done = 0;
  while (done < length) {
    // pread of at most 1 GiB at a time: large files read in pieces.
    size_t chunk = std::min<int64_t>(length - done, int64_t(1) << 30);
    ssize_t got = ::pread(file.get(), out.data() + done, chunk,
                          static_cast<off_t>(ref.offset + done));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      error = "cannot read " + std::to_string(length) + " bytes at offset " +
              std::to_string(ref.offset) + " of external data file '" +
              ref.location + "'" +
              (got < 0 ? std::string(": ") + std::strerror(errno)
                       : std::string(": the file is shorter"));
      return failure();
    }
    done += got;
  }
  return success();
}
