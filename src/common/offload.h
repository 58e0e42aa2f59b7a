#pragma once
// Runs blocking work (SQLite writes, file I/O) on a thread pool and resumes the calling coroutine
// on its own executor when done. Exceptions thrown by fn are rethrown in the caller.
//
// GCC 12 trap (seen here, double free under ASan): a temporary with a non-trivial destructor made
// inside a co_await full-expression is destroyed twice. So never write
//   co_await offload(pool, [s = std::string(...)] { ... });
// Capture the coroutine's locals by reference instead (the frame outlives the suspended call), or
// bind the lambda to a named variable first. tests/unit/common/offload_test.cpp keeps this honest.
// Seen too (a crash destroying the awaitable): `if (co_await a() == x) co_return y;` in a coroutine
// returning a value. Take such results into named locals first.
// Seen too (free(): invalid pointer, release build): `x = c ? co_await a() : co_await b();`. Both
// arms are awaited in an if/else instead (mcp/relay.cpp, follow_upstream).
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <type_traits>

namespace mcpgw {

template <typename Fn>
auto offload(boost::asio::thread_pool& pool, Fn fn) {
  namespace asio = boost::asio;
  using R = std::invoke_result_t<Fn&>;
  if constexpr (std::is_void_v<R>) {
    return asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr)>(
        [&pool](auto handler, Fn f) {
          auto work = asio::make_work_guard(asio::get_associated_executor(handler));
          asio::post(pool,
                     [h = std::move(handler), f = std::move(f), work = std::move(work)]() mutable {
                       std::exception_ptr ep;
                       try {
                         f();
                       } catch (...) {
                         ep = std::current_exception();
                       }
                       auto ex = work.get_executor();
                       asio::dispatch(ex, [h = std::move(h), ep]() mutable { std::move(h)(ep); });
                     });
        },
        asio::use_awaitable, std::move(fn));
  } else {
    static_assert(std::is_default_constructible_v<R>,
                  "offload needs a default-constructible result");
    return asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr, R)>(
        [&pool](auto handler, Fn f) {
          auto work = asio::make_work_guard(asio::get_associated_executor(handler));
          asio::post(pool,
                     [h = std::move(handler), f = std::move(f), work = std::move(work)]() mutable {
                       std::exception_ptr ep;
                       R result{};
                       try {
                         result = f();
                       } catch (...) {
                         ep = std::current_exception();
                       }
                       auto ex = work.get_executor();
                       asio::dispatch(ex, [h = std::move(h), ep, r = std::move(result)]() mutable {
                         std::move(h)(ep, std::move(r));
                       });
                     });
        },
        asio::use_awaitable, std::move(fn));
  }
}

}  // namespace mcpgw
