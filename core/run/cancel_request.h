// Asking a live run to stop: a file the run polls for, so any process (acc cancel, acc
// serve, a script) can ask without talking to it.
#pragma once

#include <filesystem>
#include <string>

namespace acc {

// Writes runs/<id>/CANCEL; the live run polls for it and cancels after its current step.
// acc::Error when the run is not live (status not created/running).
void request_cancel(const std::filesystem::path& runs_root, const std::string& run_id);

}  // namespace acc
