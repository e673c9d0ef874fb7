// FileLock: an exclusive flock on a lock file for the lifetime of the object. flock is
// released when the descriptor closes, so a killed process never leaves anything locked.
// Used wherever several acc processes (make -j branches, acc eval beside a live run) may
// write the same run: the checkpoint store, summary.json, the viewer mirror, and a planned
// run's segments (one process per segment at a time).
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include <filesystem>
#include <mutex>

#include "error.h"

namespace acc {

class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& path) : FileLock(path, LOCK_EX) {}
  // Does not wait: held() says whether the lock was free.
  FileLock(const std::filesystem::path& path, std::try_to_lock_t) : FileLock(path, LOCK_EX | LOCK_NB) {}
  ~FileLock() { ::close(fd_); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool held() const { return held_; }

 private:
  FileLock(const std::filesystem::path& path, int operation) : fd_(::open(path.c_str(), O_RDWR | O_CREAT, 0644)) {
    if (fd_ < 0) throw Error(path.string() + ": cannot open the lock file; check the run directory's permissions",
                             ExitCode::kFailure);
    int rc;
    while ((rc = ::flock(fd_, operation)) != 0 && errno == EINTR) {
    }
    held_ = rc == 0;
  }
  int fd_;
  bool held_ = false;
};

}  // namespace acc
