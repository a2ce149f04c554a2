// Running coroutines side by side on the current executor.
//
// Unlike Asio's awaitable_operators, these rethrow the first failure itself (not
// asio::multiple_exceptions) and end as soon as the first operation fails or finishes,
// as the name says.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <vector>

namespace sbx::process {

/// Runs `a` and `b` concurrently until the first of them finishes, cancels the other,
/// waits for it, and returns the index of the first (0 or 1). Its exception, if any,
/// is rethrown. Cancellation: both are cancelled and operation_aborted is thrown.
boost::asio::awaitable<std::size_t> first_of(boost::asio::awaitable<void> a,
                                             boost::asio::awaitable<void> b);

/// Runs all `operations` concurrently until all of them finish. On the first failure
/// the others are cancelled and awaited, then that failure is rethrown.
/// Cancellation: all are cancelled and awaited; the first failure they end with is
/// rethrown, and when they all end quietly (as a cancelled loser of first_of should,
/// cheaply), so does all_of.
boost::asio::awaitable<void> all_of(std::vector<boost::asio::awaitable<void>> operations);

/// Waits until `timer` expires, for use as a deadline in first_of. Cancellation: ends
/// quietly instead of throwing operation_aborted, because the losing side of first_of
/// is always cancelled and an exception per call shows in a fan-out's CPU profile.
boost::asio::awaitable<void> expiry(boost::asio::steady_timer& timer);

}  // namespace sbx::process
