// The human form of each command's JSON document (the documents of source.h). Renderers are
// lenient: a field a daemon of another version leaves out prints as "-", never as an error.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

namespace scaleio::ctl {

struct RenderOptions {
  bool colour = false;
};

void render_events(const nlohmann::json& page, std::ostream& out, const RenderOptions& o);
// One followed event, as a line of fixed-width columns (the table's widths are unknown ahead).
void render_event_line(const nlohmann::json& event, std::ostream& out, const RenderOptions& o);
void render_plan(const nlohmann::json& plan, std::ostream& out, const RenderOptions& o);
void render_status(const nlohmann::json& state, std::ostream& out, const RenderOptions& o);
void render_drift(const nlohmann::json& drift, std::ostream& out, const RenderOptions& o);
void render_reconcilers(const nlohmann::json& list, std::ostream& out, const RenderOptions& o);
void render_history(const nlohmann::json& history, std::ostream& out, const RenderOptions& o);
void render_command(const nlohmann::json& answer, std::ostream& out, const RenderOptions& o);

// A payload as "key=value key=value" of its scalar fields, cut at `max_width` characters.
std::string summarize_payload(const nlohmann::json& payload, size_t max_width = 100);

}  // namespace scaleio::ctl
