// acc::Error: the one exception type for user and environment errors (bad recipe, missing
// file, wrong latent slice, NaN loss). Its message is the single line the CLI prints, so it
// must name the file/field and say what to do next. Broken internal invariants use
// TORCH_CHECK instead; `main` catches acc::Error once and maps it to an exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace acc {

enum class ExitCode : int {
  kOk = 0,
  kFailure = 1,     // the run itself failed (NaN loss, I/O error during a run)
  kUsage = 2,       // bad command line, bad recipe, bad input data
  kCancelled = 130, // Ctrl-C / cancel: same convention as a shell interrupted by SIGINT
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ExitCode code = ExitCode::kUsage)
      : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

}  // namespace acc
