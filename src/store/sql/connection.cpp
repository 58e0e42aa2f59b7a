#include "store/sql/connection.h"

#include <charconv>

namespace mcpgw::store::sql {

std::string_view engine_name(Engine e) {
  return e == Engine::postgresql ? "postgresql" : "sqlite";
}

Rows::Rows(std::vector<std::string> columns, std::vector<std::optional<std::string>> cells)
    : columns_(std::move(columns)), cells_(std::move(cells)) {}

std::size_t Rows::column_index(std::string_view name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i] == name) return i;
  throw DatabaseError("no column '" + std::string(name) + "' in the result");
}

std::optional<Rows::Row> Rows::first() const {
  if (empty()) return std::nullopt;
  return Row(*this, 0);
}

const std::optional<std::string>& Rows::Row::cell(std::size_t column) const {
  return rows_->cells_[index_ * rows_->columns_.size() + column];
}

const std::optional<std::string>& Rows::Row::cell(std::string_view column) const {
  return cell(rows_->column_index(column));
}

std::string Rows::Row::text(std::string_view column) const {
  return cell(column).value_or("");
}

std::optional<std::string> Rows::Row::optional_text(std::string_view column) const {
  return cell(column);
}

std::optional<std::int64_t> Rows::Row::optional_integer(std::string_view column) const {
  const auto& c = cell(column);
  if (!c) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(c->data(), c->data() + c->size(), v);
  if (ec != std::errc() || end != c->data() + c->size())
    throw DatabaseError("column '" + std::string(column) + "' is not an integer: " + *c);
  return v;
}

std::int64_t Rows::Row::integer(std::string_view column) const {
  return optional_integer(column).value_or(0);
}

bool Rows::Row::boolean(std::string_view column) const {
  const auto& c = cell(column);
  if (!c) return false;
  if (*c == "t" || *c == "true") return true;
  if (*c == "f" || *c == "false") return false;
  return integer(column) != 0;
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    c_.rollback();
  } catch (const DatabaseError&) {
    // The connection broke (its pool discards it); the server rolls back what it had begun.
  }
}

std::string numbered_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int next = 0;
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      out += c;
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: same result
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c != '?') {
      out += c;
      continue;
    }
    std::size_t j = i + 1;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9')
      ++j;
    out += '$';
    if (j > i + 1)
      out.append(sql.substr(i + 1, j - i - 1));
    else
      out += std::to_string(++next);
    i = j - 1;
  }
  return out;
}

std::string now_ms_expression(Engine e) {
  return e == Engine::postgresql ? "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
                                 : "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
}

}  // namespace mcpgw::store::sql
