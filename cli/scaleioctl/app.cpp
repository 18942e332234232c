#include "cli/scaleioctl/app.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "cli/scaleioctl/cluster_config.h"
#include "cli/scaleioctl/data_dir_source.h"
#include "cli/scaleioctl/render.h"
#include "cli/scaleioctl/server_source.h"
#include "cli/scaleioctl/time_spec.h"
#include "cli/scaleioctl/watch.h"

namespace scaleio::ctl {

namespace {

struct Options {
  std::string server;
  std::string data_dir;
  std::string output = "table";
  std::string token_file;
  std::string config;
  std::string timeout = "10s";
  // events
  uint64_t from = 1;
  std::string stream;
  std::string type;
  std::string since;
  size_t limit = 100;
  bool follow = false;
  // history, at, reconcilers
  std::string resource;
  std::string when;
  std::string view;
  std::string reconciler;
  std::string reason;
  // watch
  bool until_converged = false;
  std::string watch_timeout = "0";
  std::string interval = "1s";
};

// The admin token: --token-file, else SCALEIO_ADMIN_TOKEN; never a flag's value. Errors name the
// file, never its content.
TokenProvider token_provider(const std::string& token_file, const AppEnvironment& environment) {
  return [token_file, env = environment.env]() -> Result<std::optional<std::string>> {
    std::string token;
    if (!token_file.empty()) {
      std::ifstream in(token_file);
      if (!in) {
        return invalid_argument("--token-file '" + token_file +
                                "': cannot read it; check the path and permissions");
      }
      std::getline(in, token);
      while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) {
        token.pop_back();
      }
      if (token.empty()) return invalid_argument("--token-file '" + token_file + "' is empty");
      return std::optional<std::string>(token);
    }
    if (auto from_env = env("SCALEIO_ADMIN_TOKEN"); from_env && !from_env->empty()) {
      return std::optional<std::string>(*from_env);
    }
    return std::optional<std::string>();
  };
}

Result<std::unique_ptr<Source>> make_source(const Options& o, const AppEnvironment& environment) {
  if (!o.data_dir.empty()) {
    std::string config = o.config;
    if (config.empty()) config = environment.env("SCALEIO_OPERATOR_CONFIG").value_or("");
    auto settings = load_cluster_settings(config);
    if (!settings.ok()) return settings.status();
    auto source = DataDirSource::open(o.data_dir, std::move(*settings), *environment.clock);
    if (!source.ok()) return source.status();
    return std::unique_ptr<Source>(std::move(*source));
  }
  auto timeout = parse_duration_ms(o.timeout);
  if (!timeout.ok()) return invalid_argument("--timeout: " + timeout.status().message());
  auto client = HttpClient::create(o.server.empty() ? kDefaultServer : o.server,
                                   std::chrono::milliseconds(*timeout));
  if (!client.ok()) return client.status();
  return std::unique_ptr<Source>(
      new ServerSource(std::move(*client), token_provider(o.token_file, environment)));
}

class Runner {
 public:
  Runner(const Options& o, std::ostream& out, std::ostream& err, const AppEnvironment& env)
      : o_(o), out_(out), err_(err), env_(env) {
    render_.colour = o.output == "table" && env.stdout_is_terminal && !env.env("NO_COLOR");
  }

  int fail(const Status& s) {
    err_ << "scaleioctl: " << s.message() << "\n";
    return kExitError;
  }

  // Prints a document: JSON as is, or its table (with its warning on stderr).
  int print(const Result<nlohmann::json>& doc,
            void (*render)(const nlohmann::json&, std::ostream&, const RenderOptions&)) {
    if (!doc.ok()) return fail(doc.status());
    if (o_.output == "json") {
      out_ << doc->dump(2) << "\n";
      return kExitOk;
    }
    if (doc->contains("warning") && (*doc)["warning"].is_string()) {
      err_ << "scaleioctl: warning: " << (*doc)["warning"].get<std::string>() << "\n";
    }
    render(*doc, out_, render_);
    return kExitOk;
  }

  int drift(Source& source) {
    auto doc = source.drift();
    const int printed = print(doc, render_drift);
    if (printed != kExitOk) return printed;
    const auto& converged = (*doc)["converged"];
    return converged.is_boolean() && converged.get<bool>() ? kExitOk : kExitDrift;
  }

  int events(Source& source, bool explicit_limit) {
    EventFilter filter;
    filter.from = o_.from;
    filter.stream = o_.stream;
    filter.type = o_.type;
    filter.limit = o_.limit;
    if (!o_.since.empty()) {
      auto d = parse_duration_ms(o_.since);
      if (!d.ok()) return fail(invalid_argument("--since: " + d.status().message()));
      filter.since_unix_ms = env_.clock->now_unix_ms() - *d;
    }
    if (!o_.follow) return print(source.events(filter), render_events);
    // Following: every event from `from` on, as they come; --limit (when given) stops it.
    size_t printed = 0;
    Status s = source.follow(filter, [&](const nlohmann::json& event) {
      if (o_.output == "json") {
        out_ << event.dump() << "\n" << std::flush;
      } else {
        render_event_line(event, out_, render_);
      }
      return !explicit_limit || ++printed < o_.limit;
    });
    return s.ok() ? kExitOk : fail(s);
  }

  int at(Source& source) {
    auto sequence = source.travel_to(o_.when);
    if (!sequence.ok()) return fail(sequence.status());
    if (o_.view == "status") return print(source.state(), render_status);
    if (o_.view == "plan") return print(source.plan(), render_plan);
    return drift(source);
  }

  int watch(Source& source) {
    auto timeout = parse_duration_ms(o_.watch_timeout);
    if (!timeout.ok()) {
      return fail(invalid_argument("watch --timeout: " + timeout.status().message()));
    }
    auto interval = parse_duration_ms(o_.interval);
    if (!interval.ok()) return fail(invalid_argument("--interval: " + interval.status().message()));
    if (*timeout < 0 || *interval < 50) {
      return fail(
          invalid_argument("watch: --timeout must be 0 (no end) or more, and --interval "
                           "at least 50ms"));
    }
    WatchOptions w;
    w.until_converged = o_.until_converged;
    w.timeout = std::chrono::milliseconds(*timeout);
    w.interval = std::chrono::milliseconds(*interval);
    w.terminal = env_.stdout_is_terminal;
    w.colour = render_.colour;
    auto sleep = env_.sleep ? env_.sleep
                            : [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    return run_watch(source, w, out_, err_, *env_.clock, sleep);
  }

  const RenderOptions& render_options() const { return render_; }

 private:
  const Options& o_;
  std::ostream& out_;
  std::ostream& err_;
  const AppEnvironment& env_;
  RenderOptions render_;
};

std::string rewrite_parse_error(const std::string& message) {
  return message + "\nRun 'scaleioctl --help' (or 'scaleioctl COMMAND --help') for usage.";
}

}  // namespace

int run_app(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            const AppEnvironment& environment) {
  Options o;
  CLI::App app{
      "scaleioctl: inspect and steer the ScaleIO operator.\n"
      "Reads a running daemon (--server URL, default " +
          std::string(kDefaultServer) +
          ") or the daemon's log directly (--data-dir DIR: read-only, safe while the daemon "
          "runs).\nExit codes: 0 ok, 1 drift (drift commands only), 2 error.",
      "scaleioctl"};
  // No require_subcommand(): CLI11 would report a missing command before an unknown flag.
  app.fallthrough();  // global options may follow the command
  auto* server = app.add_option(
      "--server", o.server,
      "the daemon's API, http://HOST:PORT (default " + std::string(kDefaultServer) + ")");
  app.add_option("--data-dir", o.data_dir,
                 "read the daemon's log in DIR instead (read-only, while the daemon runs too)")
      ->excludes(server);
  app.add_option("-o,--output", o.output, "table (default) or json")
      ->check(CLI::IsMember({"table", "json"}));
  app.add_option("--token-file", o.token_file,
                 "file holding the admin token for pause/resume (else env SCALEIO_ADMIN_TOKEN)");
  app.add_option("--config", o.config,
                 "offline: the daemon's JSON config file, for the cluster settings its plan uses "
                 "(else env SCALEIO_OPERATOR_CONFIG)");
  app.add_option("--timeout", o.timeout, "online: how long to wait for each step of a request")
      ->capture_default_str();

  auto* events = app.add_subcommand("events", "list the event log, oldest first, filtered");
  events->add_option("--from", o.from, "first sequence (default 1)");
  events->add_option("--stream", o.stream, "only this stream, e.g. node/host-1");
  events->add_option("--type", o.type, "only this event type, e.g. ActionFailed");
  events->add_option("--since", o.since, "only events of the last DURATION, e.g. 2h, 30m");
  auto* limit = events->add_option("--limit", o.limit, "at most N events (default 100)")
                    ->check(CLI::Range(size_t{1}, size_t{10'000}));
  events->add_flag("-f,--follow", o.follow,
                   "keep printing events as they are appended (stops after --limit when given)");

  auto* drift = app.add_subcommand(
      "drift",
      "what separates the cluster from the plan; exit 0 when converged, 1 on drift, 2 on error");
  auto* plan = app.add_subcommand("plan", "the desired plan per host, with the plan errors");
  auto* status = app.add_subcommand(
      "status",
      "the observed cluster: MDM cluster, domains, pools with capacity, SDSs, SDCs, "
      "volumes, Mesos tasks");
  auto* history = app.add_subcommand(
      "history", "every event about one resource, oldest first: why is it like this? (offline)");
  history->footer(
      "Offline only: needs --data-dir (the daemon's API does not serve it).\n"
      "RESOURCE is named as drift names it: pool/PD/SP, sds/HOST/PD, volume/NAME, node/HOST,\n"
      "domain/PD, fault-set/PD/FS, sdc/HOST, mdm/HOST, mapping/VOLUME/HOST, device/HOST/PATH,\n"
      "task/ID, mdm-cluster, gateway, plan, or a bare HOST for everything about that host.\n"
      "An event matches when its stream is the resource (or below it), when it is a reconciler\n"
      "action whose target is the resource (or below it; for a HOST, any target naming it; for\n"
      "volume/NAME, its mappings too), or when it is an observation of that object: by gateway\n"
      "name, SDS/SDC/MDM at the host's addresses, the host's agent and Mesos tasks, and the\n"
      "object's removal (see docs/cli.md).\n"
      "Example: scaleioctl --data-dir /var/lib/scaleio-operator history pool/pd1/sp1");
  history->add_option("RESOURCE", o.resource, "e.g. pool/pd1/sp1 or host-1")->required();
  auto* at = app.add_subcommand(
      "at", "status, drift or plan as of a past event: time travel over the log (offline)");
  at->footer(
      "Offline only: needs --data-dir (the daemon's API does not serve past views).\n"
      "WHEN is an event sequence (412), an RFC 3339 time (2026-11-25T03:12:00Z) or a duration\n"
      "ago (2h, 1h30m); a time means the last event at or before it.\n"
      "VIEW is status, drift or plan; 'at WHEN drift' exits 1 on drift, like drift.\n"
      "Example: scaleioctl --data-dir /var/lib/scaleio-operator at 2026-11-25T03:12:00Z status");
  at->add_option("WHEN", o.when, "SEQ, TIME or DURATION ago")->required();
  at->add_option("VIEW", o.view, "status, drift or plan")
      ->required()
      ->check(CLI::IsMember({"status", "drift", "plan"}));
  auto* reconcilers = app.add_subcommand(
      "reconcilers", "each reconciler: paused, last pass, errors, targets in backoff");
  auto* pause = reconcilers->add_subcommand(
      "pause",
      "pause reconciler NAME (online only; needs the admin token from --token-file or "
      "SCALEIO_ADMIN_TOKEN)");
  auto* resume = reconcilers->add_subcommand(
      "resume", "resume reconciler NAME (online only; needs the admin token)");
  for (auto* c : {pause, resume}) {
    c->add_option("NAME", o.reconciler, "nodes, mdm_quorum, storage_pools or sdc_mappings")
        ->required();
    c->add_option("--reason", o.reason, "recorded with the command in the log");
  }

  auto* watch = app.add_subcommand(
      "watch",
      "follow convergence live: per reconciler a progress bar, drift items left, last action, "
      "paused and backoff flags, and the MDM cluster's state");
  watch->footer(
      "Polls GET /v1/reconcilers, /v1/drift, /v1/state, /v1/plan and the new events every\n"
      "--interval. On a terminal the screen is redrawn; on a pipe one line is printed per change.\n"
      "The bar is an estimate: DONE = the plan's objects that reconciler owns (nodes: hosts;\n"
      "mdm_quorum: the cluster and its members; storage_pools: domains, fault sets, pools, SDSs\n"
      "and devices; sdc_mappings: SDCs, volumes and mappings) less its drift items now. A drift\n"
      "item may also be an unexpected object or a step that waits on another reconciler, so a\n"
      "bar can stand still or step back; 'converged' is the daemon's word (GET /v1/drift), not\n"
      "the bars'.\n"
      "Exit codes with --until-converged: 0 converged, 1 --timeout passed first, 2 polls kept\n"
      "failing (3 in a row; a single failure is reported and retried). Without it: 0 at the\n"
      "timeout, 2 on errors.\n"
      "Note: 'watch --timeout' (after the word watch) is the whole watch's time; the global\n"
      "--timeout before it is each request's.\n"
      "Example: scaleioctl --server http://127.0.0.1:9110 watch --until-converged --timeout 600");
  watch->add_flag("--until-converged", o.until_converged,
                  "exit 0 as soon as the daemon reports convergence (1 on timeout)");
  watch->add_option("--timeout", o.watch_timeout,
                    "give up after SECONDS (or a duration: 90s, 10m); 0 = never (default)");
  watch->add_option("--interval", o.interval, "time between polls (default 1s)")
      ->capture_default_str();

  // A token on the command line is visible to every user of the machine: there is no such flag,
  // and the parse error below would echo the value, so this is caught first.
  for (const auto& arg : args) {
    if (arg == "--token" || arg.rfind("--token=", 0) == 0 || arg == "--admin-token") {
      err << "scaleioctl: there is no " << arg.substr(0, arg.find('='))
          << " flag: a token on the command line is visible to every user of this machine; give "
             "it with --token-file FILE or the environment variable SCALEIO_ADMIN_TOKEN\n";
      return kExitError;
    }
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    std::ostringstream help_out, help_err;
    const int code = app.exit(e, help_out, help_err);
    if (code == 0) {
      out << help_out.str();
      return kExitOk;
    }
    err << "scaleioctl: " << rewrite_parse_error(e.what()) << "\n";
    return kExitError;
  }

  Runner runner(o, out, err, environment);
  if (app.get_subcommands().empty()) {
    return runner.fail(invalid_argument(
        "a command is required: events, drift, plan, status, history, at, reconcilers or watch "
        "(run scaleioctl --help)"));
  }
  auto source = make_source(o, environment);
  if (!source.ok()) return runner.fail(source.status());
  Source& s = **source;
  if (events->parsed()) return runner.events(s, limit->count() > 0);
  if (drift->parsed()) return runner.drift(s);
  if (plan->parsed()) return runner.print(s.plan(), render_plan);
  if (status->parsed()) return runner.print(s.state(), render_status);
  if (history->parsed()) return runner.print(s.history(o.resource), render_history);
  if (at->parsed()) return runner.at(s);
  if (watch->parsed()) return runner.watch(s);
  if (pause->parsed() || resume->parsed()) {
    const std::string command = pause->parsed() ? "pause" : "resume";
    return runner.print(s.command(command, o.reconciler, o.reason), render_command);
  }
  return runner.print(s.reconcilers(), render_reconcilers);
}

}  // namespace scaleio::ctl
