#pragma once
// A small Expected<T, E> for failures callers must handle (store, agent, HTTP).
// std::expected is C++23; this is the subset ralph needs.
#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace ralph::util {

template <typename E> struct Unexpected {
  E error;
};
template <typename E> Unexpected<std::decay_t<E>> unexpected(E&& e) {
  return {std::forward<E>(e)};
}

template <typename T, typename E> class [[nodiscard]] Expected {
public:
  Expected(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
  template <typename G> Expected(Unexpected<G> u) : m_v(std::in_place_index<1>, E(std::move(u.error))) {}

  bool has_value() const { return m_v.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { assert(has_value()); return std::get<0>(m_v); }
  const T& value() const& { assert(has_value()); return std::get<0>(m_v); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(m_v)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const E& error() const { assert(!has_value()); return std::get<1>(m_v); }
  template <typename U> T value_or(U&& fallback) const {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

private:
  std::variant<T, E> m_v;
};

template <typename E> class [[nodiscard]] Expected<void, E> {
public:
  Expected() = default;
  template <typename G> Expected(Unexpected<G> u) : m_error(E(std::move(u.error))), m_ok(false) {}
  bool has_value() const { return m_ok; }
  explicit operator bool() const { return m_ok; }
  void value() const { assert(m_ok); }
  const E& error() const { assert(!m_ok); return m_error; }

private:
  E m_error{};
  bool m_ok = true;
};

} // namespace ralph::util
