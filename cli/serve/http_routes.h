// The routes of `acc serve` (docs/debugger.md, "acc serve"): the viewer's files, the runs
// root read-only, and a small JSON API to list recipes, start runs, control live ones and
// compute network inspection artifacts (inspect_route.h).
// Two guards run before every route: the Host header must name this server (a web page on
// another site cannot reach it through DNS rebinding), and every state-changing request
// must carry the per-start token in X-Acc-Token (a page cannot read it from here: it is only
// in the URL printed on the terminal).
#pragma once

#include <httplib.h>

#include <filesystem>
#include <string>

#include "serve/run_launcher.h"

namespace acc::cli {

struct ServeSettings {
  std::filesystem::path runs_root;   // absolute
  std::filesystem::path viewer_dir;  // holds index.html
  std::string token;
  int port = 0;                      // the bound one
  bool allow_remote = false;         // skips the Host check
  double control_timeout_seconds = 10.0;
};

// The settings and launcher must outlive the server.
void add_routes(httplib::Server& server, const ServeSettings& settings, RunLauncher& launcher);

}  // namespace acc::cli
