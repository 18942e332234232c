// Aligned text tables with a header row, and colour that is used only when asked for (stdout a
// terminal and NO_COLOR unset: the caller decides). Alignment counts visible characters, so a
// coloured cell lines up like a plain one.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace scaleio::ctl {

enum class Colour { kNone, kRed, kGreen, kYellow, kDim };

struct Cell {
  std::string text;
  Colour colour = Colour::kNone;
  Cell(std::string t, Colour c = Colour::kNone) : text(std::move(t)), colour(c) {}  // NOLINT
  Cell(const char* t, Colour c = Colour::kNone) : text(t), colour(c) {}             // NOLINT
};

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add(std::vector<Cell> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  // Columns separated by two spaces; the last column is not padded.
  void print(std::ostream& out, bool colour) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<Cell>> rows_;
};

// `text` wrapped in the colour's escape codes when `enabled`.
std::string paint(const std::string& text, Colour colour, bool enabled);

// Visible width of UTF-8 text (code points, not bytes).
size_t display_width(const std::string& text);

}  // namespace scaleio::ctl
