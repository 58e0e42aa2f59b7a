#include "transport/session.h"
#include "common/metrics.h"

#include <cstring>

#include "common/crypto.h"

namespace mcpgw::transport {
namespace {
std::int64_t now_ticks() {
  return std::chrono::steady_clock::now().time_since_epoch().count();
}
}  // namespace

namespace {
// SSE streams open on this node (POST answers and GET streams), or null when metrics are off.
metrics::Gauge* open_streams() {
  static metrics::Gauge* g =
      metrics::enabled()
          ? &metrics::registry()
                 .gauge("mcpgw_sse_streams", "SSE streams of legacy sessions held on this node", {})
                 .with({})
          : nullptr;
  return g;
}
}  // namespace

Stream::Stream(std::string session_id, std::uint64_t number, EventStore& store, Kind kind)
    : session_id_(std::move(session_id)),
      number_(number),
      key_(stream_key(session_id_, number)),
      kind_(kind),
      store_(store),
      seq_(store.last_seq(key_)),
      durable_(seq_) {
  if (auto* g = open_streams()) g->add(1);
}

Stream::~Stream() {
  if (kind_ != Kind::local) store_.unfollow(key_, this);
  if (auto* g = open_streams()) g->add(-1);
}

void Stream::follow() {
  if (kind_ == Kind::local) return;
  store_.follow(key_, weak_from_this(), kind_ == Kind::remote);
  store_.refresh(key_);
}

void Stream::advanced(std::uint64_t seq) {
  {
    std::lock_guard lock(mutex_);
    seq_ = std::max(seq_, seq);
  }
  mark_durable(seq);
}

std::uint64_t Stream::append(std::string data, std::string dedupe) {
  std::uint64_t seq = 0;
  {
    std::lock_guard lock(mutex_);
    if (finished_ || kind_ == Kind::remote) return 0;
    if (kind_ == Kind::sequenced) {
      store_.append_sequenced(session_id_, key_, std::move(data), std::move(dedupe));
      return seq_ + 1;
    }
    seq = ++seq_;
    store_.append_durable(session_id_, key_, seq, std::move(data), [weak = weak_from_this(), seq] {
      if (auto self = weak.lock()) self->mark_durable(seq);
    });
  }
  return seq;
}

void Stream::mark_durable(std::uint64_t seq) {
  auto seen = durable_.load(std::memory_order_relaxed);
  while (seen < seq && !durable_.compare_exchange_weak(seen, seq, std::memory_order_release,
                                                       std::memory_order_relaxed)) {
  }
  wake();
}

void Stream::mark_recorded() {
  recorded_.store(true, std::memory_order_release);
  wake();
}

void Stream::wake() {
  std::function<void()> w;
  {
    std::lock_guard lock(reader_mutex_);
    w = waker_;
  }
  if (w) w();
}

void Stream::finish() {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
    // After its last event, in the store's order: a node that follows it ends with it.
    if (kind_ == Kind::local && number_ != 0) store_.finish_post_stream(key_);
  }
  wake();
}

bool Stream::finished() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

std::uint64_t Stream::last_seq() const {
  std::lock_guard lock(mutex_);
  return seq_;
}

std::uint64_t Stream::attach(std::function<void()> waker) {
  std::function<void()> previous;
  std::uint64_t token;
  {
    std::lock_guard lock(reader_mutex_);
    previous = std::move(waker_);
    waker_ = std::move(waker);
    token = reader_ = ++next_token_;
  }
  if (previous) previous();
  // Whatever reached the store while nobody read this stream here.
  if (kind_ != Kind::local) store_.refresh(key_);
  return token;
}

bool Stream::is_reader(std::uint64_t token) const {
  std::lock_guard lock(reader_mutex_);
  return reader_ == token;
}

void Stream::detach(std::uint64_t token) {
  std::lock_guard lock(reader_mutex_);
  if (reader_ != token) return;
  reader_ = 0;
  waker_ = nullptr;
}

bool Stream::has_reader() const {
  std::lock_guard lock(reader_mutex_);
  return reader_ != 0;
}

Session::Session(std::string id, std::string subject, mcp::Scope scope,
                 std::shared_ptr<mcp::SessionState> state, EventStore& store)
    : id_(std::move(id)),
      subject_(std::move(subject)),
      scope_(std::move(scope)),
      state_(std::move(state)),
      store_(store),
      last_used_(now_ticks()) {
  // With a shared store the client's GET may be held by another node: its answer to a request
  // sent there finds its way back here (Peers), so a request is not refused for want of a
  // reader on this node.
  state_->set_standalone([this](std::string m) { return standalone()->append(std::move(m)) != 0; },
                         [this] { return store_.shared() || standalone()->has_reader(); });
}

Session::~Session() {
  state_->set_standalone(nullptr, nullptr);
}

std::shared_ptr<Stream> Session::standalone() {
  std::shared_ptr<Stream> made;
  {
    std::lock_guard lock(mutex_);
    auto& s = streams_[0];
    if (s) return s;
    s = made = std::make_shared<Stream>(
        id_, 0, store_, store_.shared() ? Stream::Kind::sequenced : Stream::Kind::local);
  }
  made->follow();  // outside the lock: the store may tell it of events at once
  return made;
}

std::shared_ptr<Stream> Session::open_post_stream(const std::vector<std::string>& request_ids) {
  std::lock_guard lock(mutex_);
  const auto n = next_stream_++;
  auto s = std::make_shared<Stream>(id_, n, store_);
  s->pin();
  if (store_.shared()) {
    s->expect_record();
    store_.open_post_stream(id_, s->key(), request_ids, [weak = std::weak_ptr<Stream>(s)] {
      if (auto stream = weak.lock()) stream->mark_recorded();
    });
  }
  if (closed_) s->finish();
  streams_[n] = s;
  // Forget the oldest finished POST streams beyond the bound, and their events with them: a long
  // session must not grow without bound.
  std::size_t post_streams = streams_.size() - streams_.count(0);
  for (auto it = streams_.begin(); post_streams > kKeptStreams && it != streams_.end();) {
    if (it->first != 0 && it->second->finished() && !it->second->pinned() &&
        !it->second->has_reader()) {
      store_.erase_stream(id_, it->second->key());
      it = streams_.erase(it);
      --post_streams;
    } else {
      ++it;
    }
  }
  return s;
}

std::shared_ptr<Stream> Session::stream(std::uint64_t number) {
  std::lock_guard lock(mutex_);
  if (auto it = streams_.find(number); it != streams_.end()) return it->second;
  if (number == 0) return nullptr;
  // Another node's POST stream (or one of this node's before a restart), followed from the
  // store until it ends.
  if (store_.shared()) {
    auto s = std::make_shared<Stream>(id_, number, store_, Stream::Kind::remote);
    if (closed_) s->finish();
    streams_[number] = s;
    s->follow();
    return s;
  }
  // After a restart the stream objects are gone but their events may be in the store: a finished
  // stream that can still be replayed.
  if (store_.last_seq(stream_key(id_, number)) > 0) {
    auto s = std::make_shared<Stream>(id_, number, store_);
    s->finish();
    streams_[number] = s;
    return s;
  }
  return nullptr;
}

void Session::number_streams_apart() {
  const std::string r = crypto::random_bytes(4);
  std::uint32_t v = 0;
  std::memcpy(&v, r.data(), sizeof v);
  // A block of 2^32 numbers from [2^32, 2^53): above every number the creating node uses (it
  // counts from 1), apart from another restoring node's block but for a chance of 1 in 2^21,
  // and below 2^53, so an event id's stream number is exact in any JSON client.
  const std::uint64_t block = (v % ((std::uint64_t{1} << 21) - 1)) + 1;
  std::lock_guard lock(mutex_);
  next_stream_ = (block << 32) + 1;
}

void Session::touch() {
  last_used_.store(now_ticks(), std::memory_order_relaxed);
}

std::chrono::steady_clock::time_point Session::last_used() const {
  return std::chrono::steady_clock::time_point(
      std::chrono::steady_clock::duration(last_used_.load(std::memory_order_relaxed)));
}

bool Session::has_reader() const {
  std::lock_guard lock(mutex_);
  for (const auto& [n, s] : streams_)
    if (s->has_reader()) return true;
  return false;
}

void Session::close() {
  if (closed_.exchange(true)) return;
  std::map<std::uint64_t, std::shared_ptr<Stream>> streams;
  {
    std::lock_guard lock(mutex_);
    streams = streams_;
  }
  for (auto& [n, s] : streams)
    s->finish();
  state_->fail_all_replies({jsonrpc::kInternalError, "session closed", {}});
  state_->upstreams().close_all();  // closed with the client session, never left behind
}

}  // namespace mcpgw::transport
