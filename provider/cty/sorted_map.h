// A string-keyed map kept as a sorted vector: the container behind object attributes and
// map elements. It offers the std::map operations code uses (find, emplace, operator[],
// insert_or_assign, erase, ordered iteration with ->first / ->second), but stores the
// entries contiguously, which makes decoding, encoding and freeing large values several
// times cheaper than a node-based tree. Keys must not be modified through iterators.
#pragma once

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sarga::cty {

template <typename V>
class SortedMap {
 public:
  using key_type = std::string;
  using mapped_type = V;
  using value_type = std::pair<std::string, V>;
  using container = std::vector<value_type>;
  using iterator = typename container::iterator;
  using const_iterator = typename container::const_iterator;
  using reverse_iterator = typename container::reverse_iterator;
  using const_reverse_iterator = typename container::const_reverse_iterator;
  using size_type = size_t;

  SortedMap() = default;
  // Like std::map: when a key repeats, the first entry wins.
  SortedMap(std::initializer_list<value_type> init) : SortedMap(init.begin(), init.end()) {}
  template <typename It>
  SortedMap(It first, It last) {
    for (; first != last; ++first) items_.emplace_back(first->first, first->second);
    normalize();
  }
  template <typename C>
  SortedMap(const std::map<std::string, V, C>& m) : SortedMap(m.begin(), m.end()) {}  // NOLINT: implicit on purpose

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  const_iterator cbegin() const { return items_.cbegin(); }
  const_iterator cend() const { return items_.cend(); }
  reverse_iterator rbegin() { return items_.rbegin(); }
  reverse_iterator rend() { return items_.rend(); }
  const_reverse_iterator rbegin() const { return items_.rbegin(); }
  const_reverse_iterator rend() const { return items_.rend(); }

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  void clear() { items_.clear(); }
  void reserve(size_t n) { items_.reserve(n); }

  iterator lower_bound(std::string_view key) {
    return std::lower_bound(items_.begin(), items_.end(), key,
                            [](const value_type& e, std::string_view k) { return std::string_view(e.first) < k; });
  }
  const_iterator lower_bound(std::string_view key) const {
    return std::lower_bound(items_.begin(), items_.end(), key,
                            [](const value_type& e, std::string_view k) { return std::string_view(e.first) < k; });
  }
  iterator find(std::string_view key) {
    auto it = lower_bound(key);
    return (it != items_.end() && it->first == key) ? it : items_.end();
  }
  const_iterator find(std::string_view key) const {
    auto it = lower_bound(key);
    return (it != items_.end() && it->first == key) ? it : items_.end();
  }
  size_t count(std::string_view key) const { return find(key) != end() ? 1 : 0; }
  bool contains(std::string_view key) const { return find(key) != end(); }

  V& at(std::string_view key) {
    auto it = find(key);
    if (it == end()) throw std::out_of_range("no key \"" + std::string(key) + "\"");
    return it->second;
  }
  const V& at(std::string_view key) const {
    auto it = find(key);
    if (it == end()) throw std::out_of_range("no key \"" + std::string(key) + "\"");
    return it->second;
  }

  // Inserts when absent; returns the entry and whether it was inserted.
  template <typename K, typename... Args>
  std::pair<iterator, bool> try_emplace(K&& key, Args&&... args) {
    std::string_view k(key);
    if (items_.empty() || std::string_view(items_.back().first) < k) {  // appending in order: the common case
      items_.emplace_back(std::piecewise_construct, std::forward_as_tuple(std::forward<K>(key)),
                          std::forward_as_tuple(std::forward<Args>(args)...));
      return {items_.end() - 1, true};
    }
    auto it = lower_bound(k);
    if (it != items_.end() && it->first == k) return {it, false};
    it = items_.emplace(it, std::piecewise_construct, std::forward_as_tuple(std::forward<K>(key)),
                        std::forward_as_tuple(std::forward<Args>(args)...));
    return {it, true};
  }
  template <typename K, typename M>
  std::pair<iterator, bool> emplace(K&& key, M&& value) {
    return try_emplace(std::forward<K>(key), std::forward<M>(value));
  }
  std::pair<iterator, bool> insert(value_type entry) {
    return try_emplace(std::move(entry.first), std::move(entry.second));
  }
  template <typename K, typename M>
  iterator emplace_hint(const_iterator, K&& key, M&& value) {
    return try_emplace(std::forward<K>(key), std::forward<M>(value)).first;
  }
  template <typename K, typename M>
  std::pair<iterator, bool> insert_or_assign(K&& key, M&& value) {
    auto [it, inserted] = try_emplace(std::forward<K>(key), std::forward<M>(value));
    if (!inserted) it->second = std::forward<M>(value);
    return {it, inserted};
  }
  template <typename K>
  V& operator[](K&& key) {
    return try_emplace(std::forward<K>(key)).first->second;
  }

  size_t erase(std::string_view key) {
    auto it = find(key);
    if (it == end()) return 0;
    items_.erase(it);
    return 1;
  }
  iterator erase(const_iterator pos) { return items_.erase(pos); }

  friend bool operator==(const SortedMap& a, const SortedMap& b) { return a.items_ == b.items_; }

 private:
  void normalize() {
    std::stable_sort(items_.begin(), items_.end(),
                     [](const value_type& a, const value_type& b) { return a.first < b.first; });
    items_.erase(std::unique(items_.begin(), items_.end(),
                             [](const value_type& a, const value_type& b) { return a.first == b.first; }),
                 items_.end());
  }

  container items_;
};

}  // namespace sarga::cty
