// See cancel_request.h.
#include "run/cancel_request.h"

#include "error.h"
#include "run/run_format.h"
#include "run/run_index.h"
#include "util/json_io.h"

namespace acc {

namespace fs = std::filesystem;

void request_cancel(const fs::path& runs_root, const std::string& run_id) {
  const RunInfo run = read_run(runs_root, run_id);
  const std::string status = run.status();
  if (status != run_format::kStatusRunning && status != run_format::kStatusCreated)
    throw Error("run " + run_id + " is not live (status " + status + "); nothing to cancel");
  write_file_atomic(run.dir / run_format::kCancelFile, utc_timestamp() + "\n");
}

}  // namespace acc
