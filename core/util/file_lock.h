// FileLock: an exclusive flock on a lock file for the lifetime of the object. flock is
// released when the descriptor closes, so a killed process never leaves anything locked.
// Used wherever several acc processes (make -j branches, acc eval beside a live run) may
// write the same run: the checkpoint store and the viewer mirror.
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>

#include "error.h"

namespace acc {

class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& path) : fd_(::open(path.c_str(), O_RDWR | O_CREAT, 0644)) {
    if (fd_ < 0) throw Error(path.string() + ": cannot open the lock file; check the run directory's permissions",
                             ExitCode::kFailure);
    ::flock(fd_, LOCK_EX);
  }
  ~FileLock() { ::close(fd_); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

}  // namespace acc
