#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "core/errc.hpp"

namespace gatehouse {

// A value or an Error. Domain code returns this instead of throwing.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// Result of an operation that returns nothing on success.
struct Ok {};
using Status = Result<Ok>;

inline Error MakeError(Errc code, std::string reason, std::string detail = {}) {
  return Error{code, std::move(reason), std::move(detail)};
}

}  // namespace gatehouse
