#include "store/sql/event_writes.h"

#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>

namespace mcpgw::store::sql {
namespace {

constexpr std::array<std::size_t, 4> kSizes = {256, 64, 8, 1};

// A statement for n rows, by the text before its values, one row's "(?,...)" and what follows.
std::string rows_sql(std::string_view head, std::string_view one, std::string_view tail,
                     std::size_t n) {
  std::string sql(head);
  for (std::size_t i = 0; i < n; ++i) {
    if (i) sql += ',';
    sql += one;
  }
  return sql.append(tail);
}

// The texts for each of kSizes.
struct Texts {
  std::array<std::string, kSizes.size()> by_size;
  Texts(std::string_view head, std::string_view one, std::string_view tail) {
    for (std::size_t k = 0; k < kSizes.size(); ++k)
      by_size[k] = rows_sql(head, one, tail, kSizes[k]);
  }
};

// SQLite runs in this process, where a statement costs no round trip: there, one statement per
// row, as each was written alone, is as fast (bench/RESULTS.md, durable events) and simpler.
bool one_by_one(const Connection& d) {
  return d.engine() == Engine::sqlite;
}
void write_each(Connection& d, const std::vector<const Params*>& rows, std::size_t width,
                const Texts& texts) {
  for (const auto* r : rows)
    d.exec(texts.by_size.back(), Params(r->begin(), r->begin() + width));
}

// Writes rows (the first `width` params of each) in statements of kSizes rows.
void write_chunked(Connection& d, const std::vector<const Params*>& rows, std::size_t width,
                   const Texts& texts) {
  for (std::size_t i = 0; i < rows.size();) {
    std::size_t k = 0;
    while (kSizes[k] > rows.size() - i)
      ++k;
    Params params;
    params.reserve(kSizes[k] * width);
    for (std::size_t j = i; j < i + kSizes[k]; ++j)
      params.insert(params.end(), rows[j]->begin(), rows[j]->begin() + width);
    d.exec(texts.by_size[k], params);
    i += kSizes[k];
  }
}

// One statement may not touch a row twice: of rows with one key, the last written.
template <class Key>
std::vector<const Params*> last_per_key(const std::vector<const Params*>& rows, Key key) {
  std::vector<const Params*> out;
  std::unordered_map<std::string, std::size_t> at;
  for (const auto* r : rows) {
    auto [it, fresh] = at.try_emplace(key(*r), out.size());
    if (fresh)
      out.push_back(r);
    else
      out[it->second] = r;
  }
  return out;
}

void write_records(Connection& d, const std::vector<const Params*>& rows) {
  static const Texts texts(
      "INSERT INTO streams(stream_id, session_id, node_id, request_ids, finished, created_at) "
      "VALUES ",
      "(?,?,?,?,0,?)",
      " ON CONFLICT(stream_id) DO UPDATE SET node_id = excluded.node_id, request_ids = "
      "excluded.request_ids, finished = 0");
  if (one_by_one(d)) return write_each(d, rows, 5, texts);
  write_chunked(d, last_per_key(rows, [](const Params& p) { return p[0].bytes(); }), 5, texts);
}

void write_ends(Connection& d, const std::vector<const Params*>& rows) {
  static const Texts texts("UPDATE streams SET finished = 1 WHERE stream_id IN (", "?", ")");
  if (one_by_one(d)) return write_each(d, rows, 1, texts);
  write_chunked(d, rows, 1, texts);
}

void trim(Connection& d, const std::string& stream, std::int64_t through) {
  d.exec("DELETE FROM events WHERE stream_id = ? AND seq <= ?", {stream, through});
}

// Events up to a trim that a later event of its stream would fall under: written, then trimmed.
class EventRun {
 public:
  explicit EventRun(Connection& d) : d_(d) {}
  void add(const Params* r) {
    const auto& p = *r;
    if (auto t = trims_.find(p[0].bytes()); t != trims_.end() && p[1].integer() <= t->second)
      flush();
    rows_.push_back(r);
    if (p[5].kind() == Param::Kind::integer) {
      auto [t, fresh] = trims_.try_emplace(p[0].bytes(), p[5].integer());
      if (!fresh) t->second = std::max(t->second, p[5].integer());
    }
  }
  static const Texts& texts() {
    static const Texts t(
        "INSERT INTO events(stream_id, seq, session_id, payload, created_at) VALUES ",
        "(?,?,?,?,?)",
        " ON CONFLICT(stream_id, seq) DO UPDATE SET session_id = excluded.session_id, payload = "
        "excluded.payload, created_at = excluded.created_at");
    return t;
  }
  void flush() {
    write_chunked(d_,
                  last_per_key(rows_,
                               [](const Params& p) {
                                 return p[0].bytes() + '\n' + std::to_string(p[1].integer());
                               }),
                  5, texts());
    for (const auto& [stream, through] : trims_)
      trim(d_, stream, through);
    rows_.clear();
    trims_.clear();
  }

 private:
  Connection& d_;
  std::vector<const Params*> rows_;
  std::map<std::string, std::int64_t> trims_;  // stream → the seq to trim through
};

void write_events(Connection& d, const std::vector<const Params*>& rows) {
  if (one_by_one(d)) {
    for (const auto* r : rows) {
      d.exec(EventRun::texts().by_size.back(), Params(r->begin(), r->begin() + 5));
      if ((*r)[5].kind() == Param::Kind::integer) trim(d, (*r)[0].bytes(), (*r)[5].integer());
    }
    return;
  }
  EventRun run(d);
  for (const auto* r : rows)
    run.add(r);
  run.flush();
}

}  // namespace

const BatchWriter::RowKind kStreamRecords{write_records, 0};
const BatchWriter::RowKind kEvents{write_events, 1};
const BatchWriter::RowKind kStreamEnds{write_ends, 2};

}  // namespace mcpgw::store::sql
