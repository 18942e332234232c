#include "cli/scaleioctl/table.h"

#include <algorithm>

namespace scaleio::ctl {

std::string paint(const std::string& text, Colour colour, bool enabled) {
  if (!enabled || colour == Colour::kNone) return text;
  const char* code = colour == Colour::kRed      ? "31"
                     : colour == Colour::kGreen  ? "32"
                     : colour == Colour::kYellow ? "33"
                                                 : "2";
  return std::string("\033[") + code + "m" + text + "\033[0m";
}

size_t display_width(const std::string& text) {
  size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;  // count lead bytes only
  }
  return width;
}

void Table::print(std::ostream& out, bool colour) const {
  std::vector<size_t> widths(headers_.size(), 0);
  for (size_t i = 0; i < headers_.size(); ++i) widths[i] = display_width(headers_[i]);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i].text));
    }
  }
  const auto line = [&](const std::vector<Cell>& cells) {
    std::string text;
    for (size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      const bool last = i + 1 == cells.size() || i + 1 == widths.size();
      text += paint(cells[i].text, cells[i].colour, colour);
      if (!last) text += std::string(widths[i] - display_width(cells[i].text) + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  };
  std::vector<Cell> header;
  for (const auto& h : headers_) header.emplace_back(h);
  line(header);
  for (const auto& row : rows_) line(row);
}

}  // namespace scaleio::ctl
