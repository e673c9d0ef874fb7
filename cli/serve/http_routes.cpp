// Routes and guards of `acc serve`; see http_routes.h.
#include "serve/http_routes.h"

#include <chrono>
#include <iostream>

#include "debug/control_channel.h"
#include "error.h"
#include "recipe/catalog.h"
#include "recipe/recipe.h"
#include "run/run_dir.h"
#include "run/run_index.h"
#include "serve/inspect_route.h"
#include "serve/static_files.h"
#include "version.h"

namespace acc::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(), "application/json");
}

void reply_error(httplib::Response& res, int status, const std::string& message) {
  reply(res, status, {{"ok", false}, {"error", message}});
}

// Same time whatever the first differing character, so the token cannot be guessed byte
// by byte from response times.
bool same_token(const std::string& given, const std::string& token) {
  if (given.size() != token.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < token.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ token[i]);
  return diff == 0;
}

json parse_body(const httplib::Request& req) {
  json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object())
    throw Error("the request body must be a JSON object (Content-Type: application/json)");
  return body;
}

// Wraps a JSON route: an acc::Error is the client's mistake (400 with its message) unless it
// says the environment failed (kFailure: the child could not start), any other exception
// the server's (500).
httplib::Server::Handler json_route(std::function<void(const httplib::Request&, httplib::Response&)> route) {
  return [route](const httplib::Request& req, httplib::Response& res) {
    try {
      route(req, res);
    } catch (const Error& e) {
      reply_error(res, e.code() == ExitCode::kFailure ? 500 : 400, e.what());
    } catch (const std::exception& e) {
      reply_error(res, 500, std::string("internal error: ") + e.what());
    }
  };
}

httplib::Server::HandlerResponse guard(const ServeSettings& s, const httplib::Request& req, httplib::Response& res) {
  if (!s.allow_remote) {
    const std::string host = req.get_header_value("Host");
    const std::string port = ":" + std::to_string(s.port);
    if (host != "127.0.0.1" + port && host != "localhost" + port) {
      reply_error(res, 403,
                  "Host '" + host + "' is not this server (127.0.0.1" + port +
                      "); open the URL acc serve printed (requests through other host names are refused against "
                      "DNS rebinding)");
      return httplib::Server::HandlerResponse::Handled;
    }
  }
  if (req.method != "GET" && req.method != "HEAD" && !same_token(req.get_header_value("X-Acc-Token"), s.token)) {
    reply_error(res, 403,
                "missing or wrong X-Acc-Token header: state-changing requests need the token from the URL "
                "acc serve printed");
    return httplib::Server::HandlerResponse::Handled;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

json recipes_json() {
  json recipes = json::array();
  for (const auto& entry : list_recipes(recipe_dirs({}))) {
    // The name POST /api/runs takes is the file's stem, as for `acc run NAME`.
    json r = {{"name", fs::path(entry.path).stem().string()}, {"path", entry.path},
              {"description", entry.description}, {"vars", json::object()}};
    if (!entry.error.empty()) {
      r["error"] = entry.error;
    } else {
      try {
        r["vars"] = load_recipe(entry.path).vars;
      } catch (const Error& e) {
        r["error"] = e.what();  // changed on disk since it was listed
      }
    }
    recipes.push_back(std::move(r));
  }
  return {{"recipes", recipes}};
}

void control_route(const ServeSettings& s, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  check_run_id(id);
  const json body = parse_body(req);
  if (!body.contains("cmd") || !body["cmd"].is_string() || body["cmd"].get<std::string>().empty())
    throw Error("the request needs {cmd, args}: cmd is one of the commands in docs/debugger.md (state, pause, ...)");
  const json args = body.value("args", json::object());
  if (!args.is_object()) throw Error("args must be an object, e.g. {\"n\": 5} for step");
  RunInfo run;
  try {
    run = read_run(s.runs_root, id);
  } catch (const Error& e) {
    reply_error(res, 404, e.what());
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  try {
    reply(res, 200, {{"ok", true}, {"result", send_control(run.dir, body["cmd"].get<std::string>(), args, s.control_timeout_seconds)}});
  } catch (const Error& e) {
    // Not live (now or any more): a conflict with the run's state. Out of time: the run is
    // busy. Otherwise the run itself refused the request.
    const std::chrono::duration<double> waited = std::chrono::steady_clock::now() - started;
    const int status = !control_is_live(run.dir)                      ? 409
                       : waited.count() >= s.control_timeout_seconds ? 504
                                                                     : 400;
    reply_error(res, status, e.what());
  }
}

}  // namespace

void add_routes(httplib::Server& server, const ServeSettings& s, RunLauncher& launcher) {
  server.set_pre_routing_handler([&s](const httplib::Request& req, httplib::Response& res) { return guard(s, req, res); });
  // httplib calls this for every status >= 400; routes that wrote a body keep it.
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.body.empty()) res.set_content("not found: " + req.path + "\n", "text/plain; charset=utf-8");
  });

  server.Get("/", [&s](const httplib::Request& req, httplib::Response& res) {
    // The token travels on only to a browser that came with it; a bare visit gets the
    // read-only viewer.
    std::string target = "/viewer/index.html?root=/runs";
    if (same_token(req.get_param_value("token"), s.token)) target += "&token=" + s.token;
    res.set_redirect(target, 302);
  });
  server.Get("/viewer/(.*)", [&s](const httplib::Request& req, httplib::Response& res) {
    serve_static(s.viewer_dir, req.matches[1], res);
  });
  server.Get("/runs/(.*)", [&s](const httplib::Request& req, httplib::Response& res) {
    serve_static(s.runs_root, req.matches[1], res);
  });

  server.Get("/api/session", json_route([](const httplib::Request&, httplib::Response& res) {
               reply(res, 200, {{"served", true}, {"runs", "/runs"}, {"version", acc_version()}});
             }));
  server.Get("/api/recipes", json_route([](const httplib::Request&, httplib::Response& res) {
               reply(res, 200, recipes_json());
             }));
  server.Post("/api/runs", json_route([&launcher](const httplib::Request& req, httplib::Response& res) {
                const json body = parse_body(req);
                if (!body.contains("recipe") || !body["recipe"].is_string())
                  throw Error("the request needs {recipe, vars}: recipe is a name from GET /api/recipes");
                const LaunchedRun run = launcher.launch(body["recipe"].get<std::string>(), body.value("vars", json::object()));
                std::cerr << "acc serve: started run " << run.run_id << "; its output: " << run.log.string() << std::endl;
                reply(res, 200, {{"ok", true}, {"run_id", run.run_id}, {"log", "/runs/.serve/" + run.run_id + ".log"}});
              }));
  server.Post("/api/runs/([^/]+)/control",
              json_route([&s](const httplib::Request& req, httplib::Response& res) { control_route(s, req, res); }));
  // Waits for the child (seconds: a forward pass, or a top-k scan over --subset rows).
  server.Post("/api/runs/([^/]+)/inspect",
              json_route([&s, &launcher](const httplib::Request& req, httplib::Response& res) {
                const std::string id = req.matches[1];
                check_run_id(id);
                reply(res, 200, run_inspect(launcher.acc_exe(), id, parse_body(req), s.runs_root));
              }));
}

}  // namespace acc::cli
